import { expect, test } from '@playwright/test';
import { expectFlash, logIn, outboxFor, register, resetLinkFor, waitForHydration } from './helpers';

const OUTBOX = outboxFor(process.env.E2E_PORT ?? 3100);

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

  await page.goto(await resetLinkFor(OUTBOX, email));
  await page.getByLabel('New Password').fill('new-password-2');
  await page.getByLabel('Confirm Password').fill('new-password-2');
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectFlash(page, 'Your password has been updated! You are now able to log in');

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
