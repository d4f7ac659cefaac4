import { expect, test } from '@playwright/test';
import { HTML_TITLE, waitForHydration } from './helpers';

test('HTML in a post shows literally and never runs', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('article.post .post-title a').first().click();
  await expect(page.locator('h1.post-title')).toHaveText(HTML_TITLE);
  await expect(page).toHaveTitle(`Quire – ${HTML_TITLE}`);
  await expect(page.locator('.post-content')).toContainText('<img src=x onerror="window.__xss = 1">');
  await expect(page.locator('.post-content img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

test('line breaks in post content are kept', async ({ page }) => {
  await page.goto('/');
  const content = await page.locator('article.post .post-content').first().innerText();
  expect(content).toBe('<img src=x onerror="window.__xss = 1">\nThis is the second line.');
});

test('a server-rendered page title shows HTML literally', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('article.post .post-title a').first().getAttribute('href');
  await page.goto(href ?? '/');
  await expect(page).toHaveTitle(`Quire – ${HTML_TITLE}`);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});
