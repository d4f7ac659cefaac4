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

test("without JavaScript, an author's page shows their fediverse handle and no Copy handle button that could not work", async ({ page, baseURL }) => {
  await page.goto('/user/writer2');
  await expect(page.locator('p.fediverse code.handle')).toHaveText(`@writer2@${new URL(baseURL ?? '').host}`);
  await expect(page.getByRole('button', { name: 'Copy handle' })).toBeHidden();
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

test('without JavaScript, Preview shows the rendered draft above the filled form', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('writer1@example.com');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Login' }).click();
  await page.goto('/post/new');
  await page.getByLabel('Title').fill('No-script draft');
  await page.getByLabel('Content').fill('A _plain_ preview');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('region', { name: 'Preview' }).locator('em')).toHaveText('plain');
  await expect(page.getByLabel('Title')).toHaveValue('No-script draft');
  await expect(page.getByLabel('Content')).toHaveValue('A _plain_ preview');
});

test('without JavaScript, the nav search box finds posts and marks the words', async ({ page }) => {
  await page.goto('/about');
  await page.getByRole('searchbox', { name: 'Search posts' }).first().fill('patience');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page).toHaveURL(/\/search\?q=patience$/);
  await expect(page.locator('.search-hit').first().locator('mark')).toHaveText('patience');
  await expect(page.locator('.search-hit')).toHaveCount(5);
});
