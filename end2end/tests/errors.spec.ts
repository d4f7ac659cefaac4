import { expect, test } from '@playwright/test';

for (const path of ['/no/such/page', '/post/abc', '/post/99999', '/user/nobody', '/?page=11', '/?page=0']) {
  test(`${path} is a friendly 404 page`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1')).toHaveText('Oops. Page Not Found (404)');
    await expect(page.locator('a', { hasText: 'Back to the home page' })).toBeVisible();
  });
}

test('a non-numeric page number shows page 1', async ({ page }) => {
  const response = await page.goto('/?page=abc');
  expect(response?.status()).toBe(200);
  await expect(page.locator('nav.pagination a[aria-current="page"]')).toHaveText('1');
});
