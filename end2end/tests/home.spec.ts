import { expect, test } from '@playwright/test';
import { HTML_TITLE, pageLinks, postTitles } from './helpers';

test('the home page lists the newest posts first', async ({ page }) => {
  await page.goto('/');
  expect(await postTitles(page)).toEqual([
    HTML_TITLE,
    'Post 48 on photography',
    'Post 47 on chess',
    'Post 46 on typography',
    'Post 45 on databases',
  ]);
});

test('each post shows its author, avatar and date', async ({ page }) => {
  await page.goto('/');
  const first = page.locator('article.post').nth(1);
  await expect(first.locator('a.author')).toHaveText(/^writer\d$/);
  await expect(first.locator('img.avatar')).toHaveAttribute('src', '/profile_pics/default.jpg');
  await expect(first.locator('time')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(first.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
});

test('the first page links to its neighbours and the last page', async ({ page }) => {
  await page.goto('/');
  expect(await pageLinks(page)).toEqual({ links: ['1', '2', '3', '…', '10'], current: '1' });
});

test('a middle page links to both edges with gaps', async ({ page }) => {
  await page.goto('/?page=5');
  expect(await pageLinks(page)).toEqual({
    links: ['1', '…', '4', '5', '6', '7', '…', '10'],
    current: '5',
  });
});

test('the last page holds the oldest posts', async ({ page }) => {
  await page.goto('/?page=10');
  expect(await pageLinks(page)).toEqual({ links: ['1', '…', '9', '10'], current: '10' });
  expect(await postTitles(page)).toEqual([
    'Post 4 on cycling',
    'Post 3 on sourdough',
    'Post 2 on gardening',
    'Post 1 on Rust',
  ]);
});

test('/home is the home page', async ({ page }) => {
  await page.goto('/home');
  await expect(page).toHaveTitle('Quire – Home');
  expect((await postTitles(page)).length).toBe(5);
});
