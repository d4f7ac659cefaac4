import { expect, Page } from '@playwright/test';
import { expectFlash, waitForHydration } from './helpers';

/**
 * Opens `url` and waits until the page has hydrated and its live stream is open, so that what
 * is written from then on reaches it. Marks the window, so a test can tell it was never
 * reloaded (see `notReloaded`).
 */
export async function openLive(page: Page, url: string): Promise<void> {
  const stream = page.waitForResponse((response) => new URL(response.url()).pathname === '/live');
  await page.goto(url);
  await waitForHydration(page);
  expect((await stream).status()).toBe(200);
  await page.evaluate(() => {
    (window as unknown as { __sameLoad: boolean }).__sameLoad = true;
  });
}

/** Whether the page is still the load `openLive` marked. */
export async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __sameLoad?: boolean }).__sameLoad === true);
}

/** Writes a post through /post/new as the logged-in author; returns its address. */
export async function writePost(page: Page, base: string, title: string, content: string): Promise<string> {
  await page.goto(`${base}/post/new`);
  await waitForHydration(page);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Content').fill(content);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expectFlash(page, 'Your post has been created!');
  const link = page.locator('article.post .post-title a', { hasText: title }).first();
  return new URL((await link.getAttribute('href')) ?? '', base).pathname;
}

/** Replaces the content of the post at `path` (on `base`) through its update form. */
export async function editPost(page: Page, base: string, path: string, content: string): Promise<void> {
  await page.goto(`${base}${path}/update`);
  await waitForHydration(page);
  await page.getByLabel('Content').fill(content);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expectFlash(page, 'Your post has been updated!');
}

/** Deletes the post at `path` (on `base`) through its delete page. */
export async function deletePost(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}${path}/delete`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Delete' }).click();
  await expectFlash(page, 'Your post has been deleted!');
}

/**
 * The scenario both the one-server and the two-instance suites run: a reader's open home page
 * offers the writer's new post, and shows it in place; the reader's open post page follows its
 * edit, then says it was deleted, keeping the text; the reader's page never reloads.
 */
export async function readerFollowsWriter(reader: Page, readerBase: string, writer: Page, writerBase: string) {
  const title = `Live ${Date.now()}`;
  await openLive(reader, `${readerBase}/`);

  const path = await writePost(writer, writerBase, title, 'Written while you read.');
  const bar = reader.getByRole('button', { name: '1 new post: show' });
  await expect(bar).toBeVisible();
  await expect(reader.locator('article.post .post-title', { hasText: title })).toHaveCount(0);
  await bar.click();
  await expect(reader.locator('article.post .post-title').first()).toHaveText(title);
  await expect(bar).toHaveCount(0);

  await reader.locator('article.post .post-title a', { hasText: title }).click();
  await expect(reader.locator('h1.post-title')).toHaveText(title);
  await editPost(writer, writerBase, path, 'Edited while you read.');
  await expect(reader.locator('.post-content')).toHaveText('Edited while you read.');

  await deletePost(writer, writerBase, path);
  await expect(reader.getByText('This post was deleted.')).toBeVisible();
  await expect(reader.locator('.post-content')).toHaveText('Edited while you read.');
  expect(await notReloaded(reader)).toBe(true);
}
