import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: no violation. */
async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `on ${page.url()}`).toEqual([]);
}

const publicPages = [
  '/',
  '/?page=2',
  '/users',
  '/user/writer1',
  '/tag/rust',
  '/tags',
  '/about',
  '/search?q=patience',
  '/search?q=nothingmatchesthis',
  '/login',
  '/register',
  '/reset_password',
  '/no/such/page',
  '/error/403',
];

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'without JavaScript';
  test.describe(mode, () => {
    // axe runs as a script in the page, so "without JavaScript" keeps the browser's scripting on
    // and stops the site's own: its bundle is never fetched, the page stays as the server sent it
    // and forms post the way a script-free browser posts them.
    test.beforeEach(async ({ page }) => {
      if (!javaScript) await page.route(/\/pkg\/.*\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    });

    async function open(page: Page, path: string) {
      await page.goto(path);
      if (javaScript) await waitForHydration(page);
    }

    for (const path of publicPages) {
      test(`${path} passes axe's WCAG 2.1 AA rules ${mode}`, async ({ page }) => {
        await open(page, path);
        await expectAccessible(page);
      });
    }

    test(`a post page passes axe's WCAG 2.1 AA rules ${mode}`, async ({ page }) => {
      await open(page, '/');
      const href = await page.locator('article.post .post-title a').nth(1).getAttribute('href');
      await open(page, href ?? '/');
      await expectAccessible(page);
    });

    test(`the log-in form showing its errors passes axe's rules ${mode}`, async ({ page }) => {
      await open(page, '/login');
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Login' }).click();
      await expect(page.getByRole('alert').first()).toBeVisible();
      await expectAccessible(page);
    });

    test(`the sign-up form showing field errors passes axe's rules ${mode}`, async ({ page }) => {
      await open(page, '/register');
      await page.getByLabel('Username').fill('x');
      await page.getByLabel('Email').fill('someone@localhost');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByLabel('Confirm Password').fill('other');
      await page.getByRole('button', { name: 'Sign Up' }).click();
      await expect(page.locator('.field-error:not(:empty)').first()).toBeVisible();
      await expectAccessible(page);
    });

    test(`the writing and account pages pass axe's rules ${mode}`, async ({ page }) => {
      await logIn(page, 'writer1@example.com');
      await open(page, '/user/writer1');
      const post = await page.locator('article.post .post-title a').first().getAttribute('href');
      for (const path of ['/post/new', `${post}/update`, `${post}/delete`, '/account', '/drafts']) {
        await open(page, path);
        await expectAccessible(page);
      }
    });

    test(`a bad reset link's message passes axe's rules ${mode}`, async ({ page }) => {
      await open(page, '/reset_password/not-a-real-token');
      await expect(page.getByRole('alert')).toBeVisible();
      await expectAccessible(page);
    });

    test(`the post form showing its field errors and a preview passes axe's rules ${mode}`, async ({ page }) => {
      await logIn(page, 'writer1@example.com');
      await open(page, '/post/new?preview=1&title=&content=Some%20**bold**%20text');
      await expect(page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('bold');
      await page.getByRole('button', { name: 'Post', exact: true }).click();
      await expect(page.locator('.field-error:not(:empty)').first()).toBeVisible();
      await expectAccessible(page);
    });
  });
}
