import fs from 'node:fs';
import path from 'node:path';
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

/**
 * Waits until the app has hydrated the page it was loaded with, its forms included (a page's
 * content hydrates after its data, a little after the page around it), so its links and forms
 * answer without a page load; later pages are shown by the app itself and need no wait.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await expect(page.locator('form[data-server-form]:not([data-interactive="true"])')).toHaveCount(0);
}

/**
 * Expects the flash message `text` among the page's status messages: a live list may show its
 * "1 new post: show" bar, also a status, at the same time (another test's post, published meanwhile).
 */
export async function expectFlash(page: Page, text: string): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: text })).toHaveText(text);
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

/** A username and email no other test (or earlier run) uses. */
export function newAccount(prefix: string) {
  const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const username = `${prefix}${id}`.slice(0, 20);
  return { username, email: `${username}@example.com` };
}

/** Signs up through the form (opening it unless it is open) and waits for the log-in page. */
export async function register(page: Page, username: string, email: string, password: string) {
  if (!page.url().endsWith('/register')) await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm Password').fill(password);
  await page.getByRole('button', { name: 'Sign Up' }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The URL changes first; the log-in page replaces the form once its view has loaded.
  await expect(page.getByRole('button', { name: 'Login' })).toBeVisible();
}

/** The outbox folder of the server the tests on `port` run against (see serve-fresh.sh). */
export function outboxFor(port: number | string): string {
  return path.join(__dirname, '..', '..', 'target', `e2e-${port}`, 'outbox');
}

/** Every email to `email` in `outbox`, newest first (quoted-printable soft breaks removed). */
function mailsTo(outbox: string, email: string): string[] {
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .sort()
    .reverse()
    .map((name) => fs.readFileSync(path.join(outbox, name), 'utf8').replace(/=\r?\n/g, ''))
    .filter((text) => text.includes(`To: ${email}`));
}

/** The reset link in the newest email to `email`, once the mail queue has delivered it. */
export async function resetLinkFor(outbox: string, email: string): Promise<string> {
  await expect.poll(() => mailsTo(outbox, email).length).toBeGreaterThan(0);
  const match = mailsTo(outbox, email)[0].match(/https?:\/\/\S+\/reset_password\/\S+/);
  expect(match).not.toBeNull();
  return match ? match[0] : '';
}
