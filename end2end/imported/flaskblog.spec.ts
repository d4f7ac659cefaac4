import { expect, test } from '@playwright/test';

// The Flaskblog fixture's users (its README): their old passwords, how many of the 23 posts each
// wrote, and whether they uploaded a picture.
const users = [
  { username: 'Corey', email: 'C@demo.com', password: 'password', posts: 6, picture: false },
  { username: 'JohnDoe', email: 'jd@demo.com', password: 'testing123', posts: 6, picture: true },
  { username: 'jane.smith', email: 'Jane.Smith@Example.com', password: 'correct horse', posts: 6, picture: true },
  { username: 'Zoë', email: 'zoe@example.org', password: 'pässwörd-ü', posts: 5, picture: false },
];

for (const user of users) {
  test(`${user.username} logs in with the Flaskblog password and finds their posts and picture`, async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
    await page.goto(`/user/${encodeURIComponent(user.username)}`);
    await expect(page.locator('h1')).toHaveText(`Posts by ${user.username} (${user.posts})`);
    await expect(page.locator('article.post')).toHaveCount(5);
    const avatar = page.locator('header.profile img.avatar');
    const src = await avatar.getAttribute('src');
    expect(src).toMatch(user.picture ? /^\/avatars\/[0-9a-f]{16}\.jpg$/ : /\/default\.jpg$/);
    await expect
      .poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  });
}

test('the post with HTML in it shows the HTML as text', async ({ page }) => {
  await page.goto('/post/6');
  await expect(page.locator('h1.post-title')).toHaveText("<b>Bold</b> & <script>alert('title')</script>");
  await expect(page.locator('.post-content')).toContainText('<img src=x onerror="alert(1)">');
  await expect(page.locator('.post-content img')).toHaveCount(0);
});
