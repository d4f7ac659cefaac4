import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FIRST, SECOND } from './ports';
import { expectFlash, logIn, newAccount, postTitles, register, resetLinkFor, waitForHydration } from '../tests/helpers';

const A = `http://127.0.0.1:${FIRST}`;
const B = `http://127.0.0.1:${SECOND}`;
const OUTBOX = path.join(__dirname, '..', '..', 'target', 'e2e-pair', 'outbox');
const PICTURE = path.join(__dirname, '..', '..', 'public', 'profile_pics', 'default.jpg');
const PASSWORD = 'correct-horse-9';

test('two instances on one database share sessions, pictures, posts and reset links', async ({ page, browser }) => {
  const { username, email } = newAccount('pair');

  await test.step('sign up and log in on A; B knows the session', async () => {
    await page.goto(`${A}/`);
    await waitForHydration(page);
    await register(page, username, email, PASSWORD);
    await logIn(page, email, PASSWORD);
    await page.goto(`${B}/account`);
    await expect(page.locator('h1.account-name')).toHaveText(username);
  });

  await test.step('upload a picture on A; B serves it', async () => {
    await page.goto(`${A}/account`);
    await waitForHydration(page);
    await page.locator('#picture').setInputFiles(PICTURE);
    await page.getByRole('button', { name: 'Upload' }).click();
    await expectFlash(page, 'Your account has been updated!');
    const src = (await page.locator('img.avatar.large').getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/avatars\/[0-9a-f]{16}\.jpg$/);
    const served = await page.request.get(`${B}${src}`);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/jpeg');
    await page.goto(`${B}/account`);
    const avatar = page.locator('img.avatar.large');
    await expect(avatar).toHaveAttribute('src', src);
    await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(125);
  });

  await test.step('write on B; A lists it', async () => {
    const title = `Written on B by ${username}`;
    await page.goto(`${B}/post/new`);
    await waitForHydration(page);
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Content').fill('Two servers, one database.');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await expectFlash(page, 'Your post has been created!');
    await page.goto(`${A}/`);
    expect((await postTitles(page))[0]).toBe(title);
  });

  await test.step('log out on B; A forgets the session', async () => {
    await page.goto(`${B}/`);
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Logout' }).click();
    await expect(page.getByRole('link', { name: 'Login' })).toBeVisible();
    await page.goto(`${A}/account`);
    await expect(page).toHaveURL(/\/login\?next=\/account$/);
  });

  await test.step('request a reset on A; the link works on B', async () => {
    await page.goto(`${A}/reset_password`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Request Password Reset' }).click();
    await expect(page.getByRole('status')).toContainText('If an account exists for that email');
    const link = new URL(await resetLinkFor(OUTBOX, email));
    await page.goto(`${B}${link.pathname}`);
    await page.getByLabel('New Password').fill('new-password-2');
    await page.getByLabel('Confirm Password').fill('new-password-2');
    await page.getByRole('button', { name: 'Reset Password' }).click();
    await expect(page).toHaveURL(`${B}/login`);
    await expectFlash(page, 'Your password has been updated! You are now able to log in');
    const other = await browser.newPage({ baseURL: A });
    await logIn(other, email, 'new-password-2');
    await other.close();
  });
});
