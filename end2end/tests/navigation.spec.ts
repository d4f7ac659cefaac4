import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('clicking an author opens their page without a full reload', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'still here'));
  const author = page.locator('article.post a.author').nth(1);
  const name = (await author.textContent()) ?? '';
  await author.click();
  await expect(page).toHaveURL(`/user/${name}`);
  await expect(page.locator('h1')).toHaveText(new RegExp(`^Posts by ${name} \\(\\d+\\)$`));
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('still here');
});

test('page links navigate client-side too', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'kept'));
  await page.locator('nav.pagination a', { hasText: /^2$/ }).click();
  await expect(page).toHaveURL('/?page=2');
  await expect(page.locator('nav.pagination a[aria-current="page"]')).toHaveText('2');
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('kept');
});

test('a post title opens the post page with its own title', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('article.post .post-title a', { hasText: 'Post 48 on photography' }).click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect(page.locator('h1.post-title')).toHaveText('Post 48 on photography');
  await expect(page).toHaveTitle('Quire – Post 48 on photography');
});

test("a page's code is loaded when the page is first shown, not before", async ({ page }) => {
  const parts: string[] = [];
  page.on('request', (request) => {
    const part = /\/pkg\/split___(\w+?)_route_view/.exec(request.url());
    if (part) parts.push(part[1]);
  });
  await page.goto('/');
  await waitForHydration(page);
  expect(parts).toContain('home');
  expect(parts).not.toContain('users');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL('/users');
  await expect(page.locator('h1')).toHaveText(/^Users/);
  expect(parts).toContain('users');
});
