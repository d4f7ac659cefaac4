import { expect, test } from '@playwright/test';
import { waitForHydration } from './helpers';

test('the page hydrates, navigates and posts a form under its Content-Security-Policy without a violation', async ({ page }) => {
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
  await page.getByRole('link', { name: 'Login' }).click();
  await expect(page).toHaveURL('/login');
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.locator('#email-error')).not.toBeEmpty();
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('still here');
  expect(violations).toEqual([]);
});
