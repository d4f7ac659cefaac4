import { expect, test } from '@playwright/test';

test('the user list shows each user with their post count', async ({ page }) => {
  await page.goto('/users');
  const rows = page.locator('li.user-row');
  await expect(rows).toHaveCount(3);
  const text = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  expect(text).toEqual(['writer1 17 posts', 'writer2 16 posts', 'writer3 16 posts']);
});

test('a user page shows the total and paginates', async ({ page }) => {
  await page.goto('/user/writer2');
  await expect(page.locator('h1')).toHaveText('Posts by writer2 (16)');
  await expect(page.locator('article.post')).toHaveCount(5);
  await expect(page.locator('nav.pagination li')).toHaveText(['1', '2', '3', '4']);
});
