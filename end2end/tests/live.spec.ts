import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectFlash, logIn, waitForHydration } from './helpers';
import { editPost, openLive, readerFollowsWriter, writePost } from './live-helpers';

// Live pages. These run after the writing tests (the `live` project), so that the only posts
// written while a reader watches are the ones a test writes.

test('a post written, edited and deleted in one browser changes the open home and post pages of another', async ({ browser, baseURL }) => {
  const base = baseURL ?? '';
  const readerContext = await browser.newContext({ baseURL: base });
  const writerContext = await browser.newContext({ baseURL: base });
  const reader = await readerContext.newPage();
  const writer = await writerContext.newPage();
  await logIn(writer, 'writer2@example.com');
  await readerFollowsWriter(reader, base, writer, base);
  await readerContext.close();
  await writerContext.close();
});

test('a user page offers its author\'s new posts only', async ({ browser, baseURL }) => {
  const base = baseURL ?? '';
  const readerContext = await browser.newContext({ baseURL: base });
  const writerContext = await browser.newContext({ baseURL: base });
  const theirs = await readerContext.newPage();
  const others = await readerContext.newPage();
  const writer = await writerContext.newPage();
  await logIn(writer, 'writer1@example.com');
  await openLive(theirs, '/user/writer1');
  await openLive(others, '/user/writer2');
  const title = `writer1 live ${Date.now()}`;
  await writePost(writer, base, title, 'Mine.');
  await theirs.getByRole('button', { name: '1 new post: show' }).click();
  await expect(theirs.locator('article.post .post-title').first()).toHaveText(title);
  await expect(others.getByRole('button', { name: /new posts?: show/ })).toHaveCount(0);
  await readerContext.close();
  await writerContext.close();
});

test('a save that changes nothing leaves the author\'s open post page, and its Delete dialog, as they are', async ({ browser, baseURL }) => {
  const base = baseURL ?? '';
  const context = await browser.newContext({ baseURL: base });
  const open = await context.newPage();
  const editor = await context.newPage();
  await logIn(editor, 'writer1@example.com');
  const path = await writePost(editor, base, `Kept dialog ${Date.now()}`, 'Unchanged.');
  await openLive(open, path);
  await open.getByRole('link', { name: 'Delete' }).click();
  const dialog = open.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.evaluate((element) => {
    (element as unknown as { __kept: boolean }).__kept = true;
  });

  // The save comes back to the open page as an edit, which reads the post again.
  const reread = open.waitForResponse((response) => response.url().includes('/api/get_post'));
  await editPost(editor, base, path, 'Unchanged.');
  await reread;
  await open.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  expect(await open.locator('dialog.confirm-dialog').evaluate(
    (element) => (element as HTMLDialogElement).open && (element as unknown as { __kept?: boolean }).__kept === true,
  )).toBe(true);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  // The address changes once the home page is shown in place of the post's.
  await expect(open).toHaveURL(/\/$/);
  // Should the deletion reach the post's page before it is left, it says so there too.
  await expectFlash(open, 'Your post has been deleted!');
  await context.close();
});

test('a post written while a page loads, before its stream opens, is offered once it opens', async ({ browser, baseURL }) => {
  const base = baseURL ?? '';
  const watcherContext = await browser.newContext({ baseURL: base });
  const readerContext = await browser.newContext({ baseURL: base });
  const writerContext = await browser.newContext({ baseURL: base });
  // A stream already open makes the server read live events, as on any site with readers.
  await openLive(await watcherContext.newPage(), '/');
  const reader = await readerContext.newPage();
  let open = () => {};
  const opening = new Promise<void>((resolve) => (open = resolve));
  await reader.route((url) => url.pathname === '/live', async (route) => {
    await opening;
    await route.continue();
  });
  await reader.goto('/');
  await waitForHydration(reader);

  const writer = await writerContext.newPage();
  await logIn(writer, 'writer3@example.com');
  const title = `While loading ${Date.now()}`;
  await writePost(writer, base, title, 'Written before the stream opened.');
  await expect(reader.locator('article.post .post-title', { hasText: title })).toHaveCount(0);
  open();
  await reader.getByRole('button', { name: '1 new post: show' }).click();
  await expect(reader.locator('article.post .post-title').first()).toHaveText(title);
  await watcherContext.close();
  await readerContext.close();
  await writerContext.close();
});

test('a new post the list already holds once it loads is not offered again', async ({ browser, baseURL }) => {
  const base = baseURL ?? '';
  const watcherContext = await browser.newContext({ baseURL: base });
  const writerContext = await browser.newContext({ baseURL: base });
  const watcher = await watcherContext.newPage();
  await openLive(watcher, '/');
  const writer = await writerContext.newPage();
  await logIn(writer, 'writer2@example.com');
  await openLive(writer, '/');
  await writer.getByRole('link', { name: 'New Post' }).click();
  await waitForHydration(writer);

  // The home page's list loads only once the new post has reached open pages.
  let load = () => {};
  const loading = new Promise<void>((resolve) => (load = resolve));
  await writer.route('**/api/list_posts*', async (route) => {
    await loading;
    await route.continue();
  });
  const title = `Already listed ${Date.now()}`;
  await writer.getByLabel('Title').fill(title);
  await writer.getByLabel('Content').fill('Mine, and on the list.');
  await writer.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(watcher.getByRole('button', { name: '1 new post: show' })).toBeVisible();
  load();
  await expect(writer.locator('article.post .post-title').first()).toHaveText(title);
  await writer.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(writer.getByRole('button', { name: /new posts?: show/ })).toHaveCount(0);
  await watcherContext.close();
  await writerContext.close();
});

/** A Quire of this test's own, on its own database, that the test stops and starts again. */
class OwnServer {
  readonly root = path.join(__dirname, '..', '..');
  readonly bin = path.resolve(this.root, process.env.E2E_BIN ?? 'target/debug/quire');
  readonly data: string;
  readonly env: NodeJS.ProcessEnv;
  private process?: ChildProcess;

  constructor(readonly port: number) {
    this.data = path.join(this.root, 'target', `e2e-live-${port}`);
    this.env = {
      ...process.env,
      DATABASE_URL: `sqlite://${this.data}/site.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.E2E_SITE_ROOT ?? 'target/site',
      QUIRE_OUTBOX: path.join(this.data, 'outbox'),
      RUST_LOG: 'warn',
    };
    delete this.env.LEPTOS_HASH_FILES;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Runs a `quire` command on this server's database. */
  run(...args: string[]) {
    execFileSync(this.bin, args, { cwd: this.root, env: this.env, stdio: 'ignore' });
  }

  seed() {
    fs.rmSync(this.data, { recursive: true, force: true });
    fs.mkdirSync(this.data, { recursive: true });
    this.run('db', 'reset', '--yes');
    this.run('db', 'seed', '--users', '3', '--posts', '12');
  }

  async start() {
    this.process = spawn(this.bin, ['serve'], { cwd: this.root, env: this.env, stdio: 'ignore' });
    await expect
      .poll(async () => fetch(`${this.url}/readyz`).then((r) => r.status).catch(() => 0), { timeout: 30_000 })
      .toBe(200);
  }

  async stop() {
    const running = this.process;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  }
}

test('a page whose stream was cut shows what was written meanwhile once it reconnects', async ({ page }) => {
  test.setTimeout(90_000);
  const server = new OwnServer(Number(process.env.E2E_PORT ?? 3100) + 50);
  server.seed();
  await server.start();
  try {
    await openLive(page, `${server.url}/`);
    await server.stop();
    const title = `Written while the stream was cut ${Date.now()}`;
    server.run('post', 'new', '--author', 'writer1', '--title', title, '--content', 'Caught up on reconnect.');
    await server.start();
    const bar = page.getByRole('button', { name: '1 new post: show' });
    await expect(bar).toBeVisible({ timeout: 30_000 });
    await bar.click();
    await expect(page.locator('article.post .post-title').first()).toHaveText(title);
  } finally {
    await server.stop();
  }
});
