import { expect, test } from '@playwright/test';
import { HTML_TITLE, postTitles } from './helpers';

test.use({ javaScriptEnabled: false });

test('the home page is complete without JavaScript', async ({ page }) => {
  await page.goto('/');
  expect((await postTitles(page))[0]).toBe(HTML_TITLE);
  await expect(page.locator('article.post')).toHaveCount(5);
  await expect(page.locator('nav.pagination li')).toHaveText(['1', '2', '3', '…', '10']);
});

test('a user page is complete without JavaScript', async ({ page }) => {
  await page.goto('/user/writer3');
  await expect(page.locator('h1')).toHaveText('Posts by writer3 (16)');
  await expect(page.locator('article.post')).toHaveCount(5);
});

test('the user list is complete without JavaScript', async ({ page }) => {
  await page.goto('/users');
  await expect(page.locator('li.user-row').filter({ has: page.locator('a.author', { hasText: /^writer\d$/ }) })).toHaveCount(3);
});

test('a post page is complete without JavaScript', async ({ page }) => {
  await page.goto('/?page=10');
  await page.locator('article.post .post-title a', { hasText: 'Post 1 on Rust' }).click();
  await expect(page.locator('h1.post-title')).toHaveText('Post 1 on Rust');
  await expect(page.locator('.loading')).toHaveCount(0);
});
