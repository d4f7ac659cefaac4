import { expect, Page } from '@playwright/test';

/** The title of the HTML post that serve-fresh.sh adds last (so it is the newest). */
export const HTML_TITLE = '<script>window.__xss = 1</script> & <b>not bold</b>';

/** Titles of the posts on the current page, in order. */
export async function postTitles(page: Page): Promise<string[]> {
  return page.locator('article.post .post-title').allTextContents();
}

/** The page-link row as text, e.g. ["1", "…", "4", "5"], and which page is marked current. */
export async function pageLinks(page: Page): Promise<{ links: string[]; current: string }> {
  const links = (await page.locator('nav.pagination li').allTextContents()).map((t) => t.trim());
  const current = (await page.locator('nav.pagination a[aria-current="page"]').textContent()) ?? '';
  return { links, current: current.trim() };
}

/** Waits until the WASM bundle has hydrated the page, so clicks are handled client-side. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Logs in through the form (works with JavaScript on or off) and waits for the home page. */
export async function logIn(page: Page, email: string, password = 'password'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
}
