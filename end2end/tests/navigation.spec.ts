import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('clicking an author opens their page', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  const author = page.locator('article.post a.author').nth(1);
  const name = (await author.textContent()) ?? '';
  await author.click();
  await expect(page).toHaveURL(`/user/${name}`);
  await expect(page.locator('h1')).toHaveText(new RegExp(`^Posts by ${name} \\(\\d+\\)$`));
});

test('page links open the page they name', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('nav.pagination a', { hasText: /^2$/ }).click();
  await expect(page).toHaveURL('/?page=2');
  await expect(page.locator('nav.pagination a[aria-current="page"]')).toHaveText('2');
});

test('a post title opens the post page with its own title', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('article.post .post-title a', { hasText: 'Post 48 on photography' }).click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect(page.locator('h1.post-title')).toHaveText('Post 48 on photography');
  await expect(page).toHaveTitle('Quire – Post 48 on photography');
});

test('with JavaScript, a form shows its field errors without a page load', async ({ page }) => {
  await page.goto('/register');
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'still here'));
  await page.getByLabel('Username').fill('x');
  await page.getByRole('button', { name: 'Sign Up' }).click();
  await expect(page.locator('#username-error')).not.toBeEmpty();
  await expect(page).toHaveURL('/register');
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('still here');
});

test('only the forms are islands: a page of posts hydrates nothing but the hydration mark', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.locator('leptos-island')).toHaveCount(1);
  await page.goto('/register');
  await waitForHydration(page);
  await expect(page.locator('leptos-island')).toHaveCount(2);
});

test("a form's code is loaded with the first page that shows the form, not before", async ({ page }) => {
  const parts: string[] = [];
  page.on('request', (request) => {
    const part = /\/pkg\/split_(\w+?)_loader/.exec(request.url());
    if (part) parts.push(part[1]);
  });
  await page.goto('/');
  await waitForHydration(page);
  expect(parts).toEqual([]);
  await page.getByRole('link', { name: 'Login' }).click();
  await expect(page).toHaveURL('/login');
  await waitForHydration(page);
  expect(parts).toEqual(['login_form']);
});
