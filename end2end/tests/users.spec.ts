import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('the user list shows each user with their post count', async ({ page }) => {
  await page.goto('/users');
  const rows = page.locator('li.user-row').filter({ has: page.locator('a.author', { hasText: /^writer\d$/ }) });
  await expect(rows).toHaveCount(3);
  await expect(rows.locator('a.author')).toHaveText(['writer1', 'writer2', 'writer3']);
  await expect(rows.locator('.post-count')).toHaveText(['17 posts', '16 posts', '16 posts']);
});

test('a user page shows the total and paginates', async ({ page }) => {
  await page.goto('/user/writer2');
  await expect(page.locator('h1')).toHaveText('Posts by writer2 (16)');
  await expect(page.locator('article.post')).toHaveCount(5);
  await expect(page.locator('nav.pagination li')).toHaveText(['1', '2', '3', '4']);
});

test("an author's page shows their fediverse handle and followers, and Copy handle copies it", async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/user/writer2');
  const host = new URL(baseURL ?? '').host;
  const fediverse = page.locator('p.fediverse');
  await expect(fediverse.locator('code.handle')).toHaveText(`@writer2@${host}`);
  await expect(fediverse.locator('.followers')).toHaveText('0 followers');
  await waitForHydration(page);
  // The page's content hydrates a moment after the page around it: click until it answers.
  await expect(async () => {
    await page.locator('button.copy-handle').click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible({ timeout: 500 });
  }).toPass();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`@writer2@${host}`);
});
