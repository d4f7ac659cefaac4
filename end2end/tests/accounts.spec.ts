import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { expectFlash, newAccount, register, waitForHydration } from './helpers';

const PASSWORD = 'correct-horse-9';
const PICTURE = path.join(__dirname, '..', '..', 'public', 'profile_pics', 'default.jpg');

async function registerAndLogIn(page: Page, username: string, email: string) {
  await register(page, username, email, PASSWORD);
  await expectFlash(page, 'Your account has been created! You are now able to log in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
}

test('a new user registers, logs in, edits the account, uploads a picture and logs out', async ({ page }) => {
  const { username, email } = newAccount('e2e');
  await page.goto('/');
  await waitForHydration(page);
  await registerAndLogIn(page, username, email);

  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.locator('h1.account-name')).toHaveText(username);
  await expect(page.locator('.account-email')).toHaveText(email);

  const renamed = `${username.slice(0, 18)}x2`;
  await page.getByLabel('Username').fill(renamed);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expectFlash(page, 'Your account has been updated!');
  await expect(page.locator('h1.account-name')).toHaveText(renamed);

  await page.locator('#picture').setInputFiles(PICTURE);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expectFlash(page, 'Your account has been updated!');
  const avatar = page.locator('img.avatar.large');
  await expect(avatar).toHaveAttribute('src', /^\/avatars\/[0-9a-f]{16}\.jpg$/);
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(125);

  await page.getByRole('button', { name: 'Logout' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Login' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=\/account$/);
  await expectFlash(page, 'Please log in to access this page.');
});

test('with JavaScript, signing up, logging in, saving the account and logging out load no document', async ({ page }) => {
  const { username, email } = newAccount('spa');
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'still here'));
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
  });

  await page.getByRole('link', { name: 'Register' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await registerAndLogIn(page, username, email);
  await expect(page.getByRole('link', { name: 'Login' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByLabel('Username').fill(`${username.slice(0, 18)}z3`);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expectFlash(page, 'Your account has been updated!');
  await expect(page.locator('h1.account-name')).toHaveText(`${username.slice(0, 18)}z3`);

  await page.getByRole('button', { name: 'Logout' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Login' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Account' })).toHaveCount(0);

  expect(documents).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('still here');
});

test('sign-up errors appear under their own fields', async ({ page }) => {
  await page.goto('/register');
  await waitForHydration(page);
  await page.getByLabel('Username').fill('Corey!');
  await page.getByLabel('Email').fill('me@localhost');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm Password').fill('other');
  await page.getByRole('button', { name: 'Sign Up' }).click();
  await expect(page.locator('#username-error')).toHaveText("Username may contain only letters, digits, '.', '_' and '-'.");
  await expect(page.locator('#email-error')).toHaveText('Invalid email address.');
  await expect(page.locator('#password-error')).toHaveText('Password must be between 8 and 128 characters long.');
  await expect(page.locator('#confirm_password-error')).toHaveText('Passwords must match.');
  await expect(page.getByLabel('Username')).toHaveValue('Corey!');
});

test('a wrong password gets the one log-in failure message', async ({ page }) => {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Email').fill('writer1@example.com');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.getByRole('alert')).toHaveText('Login Unsuccessful. Please check email and password');
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('a user registers and logs in', async ({ page }) => {
    const { username, email } = newAccount('nojs');
    await registerAndLogIn(page, username, email);
    await page.goto('/account');
    await expect(page.locator('h1.account-name')).toHaveText(username);
  });

  test('a refused sign-up comes back with the username and email, never the password', async ({ page }) => {
    await page.goto('/register');
    await page.getByLabel('Username').fill('writer1');
    await page.getByLabel('Email').fill('kept-address@example.com');
    await page.getByLabel('Password', { exact: true }).fill('a-secret-pass');
    await page.getByLabel('Confirm Password').fill('a-secret-pass');
    await page.getByRole('button', { name: 'Sign Up' }).click();
    await expect(page.locator('#username-error')).toHaveText('That username is taken. Please choose a different one.');
    await expect(page.getByLabel('Username')).toHaveValue('writer1');
    await expect(page.getByLabel('Email')).toHaveValue('kept-address@example.com');
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  });

  test('a failed log-in shows its message and keeps the email', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill('writer2@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Login' }).click();
    await expect(page.getByRole('alert')).toHaveText('Login Unsuccessful. Please check email and password');
    await expect(page.getByLabel('Email')).toHaveValue('writer2@example.com');
  });

  test('a failed log-in shows its message', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill('writer2@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Login' }).click();
    await expect(page.getByRole('alert')).toHaveText('Login Unsuccessful. Please check email and password');
  });
});

test('changing the email asks for the current password', async ({ page }) => {
  const { username, email } = newAccount('mail');
  await page.goto('/');
  await waitForHydration(page);
  await registerAndLogIn(page, username, email);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.locator('.account-email')).toHaveText(email);
  // With the app hydrated, the form answers in place.
  await waitForHydration(page);

  const moved = `moved-${email}`.slice(0, 120);
  await page.getByLabel('Email', { exact: true }).fill(moved);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(page.locator('#account_current_password-error')).toHaveText(
    'Enter your current password to change your email.',
  );
  await expect(page.locator('.account-email')).toHaveText(email);

  await page.getByLabel('Current Password (to change your email)').fill(PASSWORD);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expectFlash(page, 'Your account has been updated!');
  await expect(page.locator('.account-email')).toHaveText(moved);
});
