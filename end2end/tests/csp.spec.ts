import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('the page hydrates and navigates under its Content-Security-Policy without a violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("'nonce-");
  expect(policy).not.toContain('unsafe-inline');
  await waitForHydration(page);

  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'still here'));
  await page.locator('article.post .post-title a').first().click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('still here');
  expect(violations).toEqual([]);
});
