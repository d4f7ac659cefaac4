import { expect, test } from '@playwright/test';

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
