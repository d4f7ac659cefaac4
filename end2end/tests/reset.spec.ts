import fs from 'node:fs';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

const OUTBOX = path.join(__dirname, '..', '..', 'target', `e2e-${process.env.E2E_PORT ?? 3100}`, 'outbox');

/** Every email to `email` in the outbox, newest first (quoted-printable soft breaks removed). */
function mailsTo(email: string): string[] {
  if (!fs.existsSync(OUTBOX)) return [];
  return fs
    .readdirSync(OUTBOX)
    .sort()
    .reverse()
    .map((name) => fs.readFileSync(path.join(OUTBOX, name), 'utf8').replace(/=\r?\n/g, ''))
    .filter((text) => text.includes(`To: ${email}`));
}

/** The reset link in the newest email to `email`, once the mail queue has delivered it. */
async function resetLinkFor(email: string): Promise<string> {
  await expect.poll(() => mailsTo(email).length).toBeGreaterThan(0);
  const match = mailsTo(email)[0].match(/https?:\/\/\S+\/reset_password\/\S+/);
  expect(match).not.toBeNull();
  return match ? match[0] : '';
}

async function register(page: Page, username: string, email: string, password: string) {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm Password').fill(password);
  await page.getByRole('button', { name: 'Sign Up' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('a forgotten password is reset through the emailed link', async ({ page }) => {
  const username = `reset${Date.now().toString(36)}`.slice(0, 20);
  const email = `${username}@example.com`;
  await page.goto('/');
  await waitForHydration(page);
  await register(page, username, email, 'old-password-1');

  await page.getByRole('link', { name: 'Forgot Password?' }).click();
  await expect(page).toHaveURL(/\/reset_password$/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Request Password Reset' }).click();
  await expect(page.getByRole('status')).toHaveText(
    'If an account exists for that email, an email has been sent with instructions to reset your password.',
  );

  await page.goto(await resetLinkFor(email));
  await page.getByLabel('New Password').fill('new-password-2');
  await page.getByLabel('Confirm Password').fill('new-password-2');
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('status')).toHaveText('Your password has been updated! You are now able to log in');

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('old-password-1');
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.getByRole('alert')).toHaveText('Login Unsuccessful. Please check email and password');

  await logIn(page, email, 'new-password-2');
});

test('a bad reset link goes back to the request form with a message', async ({ page }) => {
  await page.goto('/reset_password/not-a-real-token');
  await expect(page).toHaveURL(/\/reset_password$/);
  await expect(page.getByRole('alert')).toHaveText('That is an invalid or expired token');
});
