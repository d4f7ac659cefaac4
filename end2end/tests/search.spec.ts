import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('a search lists matches five per page, with the words marked and page links', async ({ page }) => {
  // 14 of the 48 seeded posts say "patience".
  await page.goto('/search?q=patience');
  await waitForHydration(page);
  await expect(page.locator('.search-summary')).toHaveText('14 posts match \u201cpatience\u201d.');
  await expect(page.locator('.search-hit')).toHaveCount(5);
  await expect(page.locator('.search-hit mark').first()).toHaveText('patience');
  await page.locator('nav.pagination a', { hasText: '3' }).click();
  await expect(page).toHaveURL(/\/search\?q=patience&page=3$/);
  await expect(page.locator('.search-hit')).toHaveCount(4);
});

test('a word in a title ranks that post first', async ({ page }) => {
  await page.goto('/search?q=chess');
  await expect(page.locator('.search-hit .post-title').first()).toContainText('chess');
});

test('a blank search shows the form and no results', async ({ page }) => {
  await page.goto('/search?q=%20%20');
  await expect(page.getByRole('heading', { name: 'Search' })).toBeVisible();
  await expect(page.locator('.search-hit')).toHaveCount(0);
  await expect(page.locator('.search-summary')).toHaveCount(0);
});

test('search syntax in a query is taken literally', async ({ page }) => {
  const response = await page.goto('/search?q=' + encodeURIComponent('"chess" AND (NOT * -jazz'));
  expect(response?.status()).toBe(200);
  await expect(page.locator('.search-summary')).toBeVisible();
});

test('a user page links its Atom feed, served as XML', async ({ page, request }) => {
  await page.goto('/user/writer1');
  const href = await page.getByRole('link', { name: 'Atom feed' }).getAttribute('href');
  expect(href).toBe('/user/writer1/feed.xml');
  const feed = await request.get(href ?? '');
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  expect(await feed.text()).toContain('<feed');
});
