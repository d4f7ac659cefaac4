import { expect, test, type Page } from '@playwright/test';
import { waitForHydration } from './helpers';

/** The Content-Security-Policy violations the console reports on `page`, as they come. */
function policyViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test('the page hydrates, navigates and posts a form under its Content-Security-Policy without a violation', async ({ page }) => {
  const violations = policyViolations(page);
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

test('a page reloaded from the copy the browser holds (a 304) hydrates under its policy', async ({ page }) => {
  const violations = policyViolations(page);
  const first = await page.goto('/post/1');
  const tag = first?.headers()['etag'] ?? '';
  const policy = first?.headers()['content-security-policy'] ?? '';
  expect(tag).toMatch(/^W\/"/);
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'old page'));

  const reloaded = await page.reload();
  expect(await reloaded?.request().headerValue('if-none-match')).toBe(tag);
  // A 200 would bring a fresh nonce; the copy the browser kept has the policy its scripts carry.
  expect(reloaded?.headers()['content-security-policy']).toBe(policy);
  await waitForHydration(page);
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBeUndefined();
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL('/users');
  expect(violations).toEqual([]);
});
