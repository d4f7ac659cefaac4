import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// The Flaskblog fixture (FLASKBLOG_FIXTURE, see scripts/lib.sh): its users' old passwords (its
// README), and what its site.db holds, read with sqlite3 so the tests follow whichever fixture is
// used: how many posts each user wrote, who uploaded a picture, and the post with HTML in its title.
const users = [
  { username: 'Corey', email: 'C@demo.com', password: 'password' },
  { username: 'JohnDoe', email: 'jd@demo.com', password: 'testing123' },
  { username: 'jane.smith', email: 'Jane.Smith@Example.com', password: 'correct horse' },
  { username: 'Zoë', email: 'zoe@example.org', password: 'pässwörd-ü' },
];

/** Rows of `sql` run on the fixture's site.db. */
function fixture<T>(sql: string): T[] {
  const db = path.join(process.env.FLASKBLOG_FIXTURE ?? '', 'site.db');
  const out = execFileSync('sqlite3', ['-json', `file:${db}?mode=ro`, sql], { encoding: 'utf8' });
  return out.trim() ? (JSON.parse(out) as T[]) : [];
}

type Author = { username: string; posts: number; picture: number };
const authors = new Map(
  fixture<Author>(
    "select u.username, count(p.id) as posts, u.image_file != 'default.jpg' as picture " +
      'from user u left join post p on p.user_id = u.id group by u.id',
  ).map((row) => [row.username, row]),
);

for (const user of users) {
  test(`${user.username} logs in with the Flaskblog password and finds their posts and picture`, async ({ page }) => {
    const written = authors.get(user.username);
    expect(written).toBeDefined();
    await page.goto('/login');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
    await page.goto(`/user/${encodeURIComponent(user.username)}`);
    await expect(page.locator('h1')).toHaveText(`Posts by ${user.username} (${written?.posts})`);
    await expect(page.locator('article.post')).toHaveCount(Math.min(5, written?.posts ?? 0));
    const avatar = page.locator('header.profile img.avatar');
    const src = await avatar.getAttribute('src');
    expect(src).toMatch(written?.picture ? /^\/avatars\/[0-9a-f]{16}\.jpg$/ : /\/default\.jpg$/);
    await expect
      .poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  });
}

test('the post with HTML in it shows the HTML as text', async ({ page }) => {
  const [post] = fixture<{ id: number; title: string; content: string }>(
    "select id, title, content from post where title like '%<%' order by id limit 1",
  );
  expect(post).toBeDefined();
  await page.goto(`/post/${post.id}`);
  await expect(page.locator('h1.post-title')).toHaveText(post.title);
  const firstLine = post.content.split('\n')[0].trim();
  await expect(page.locator('.post-content')).toContainText(firstLine);
  await expect(page.locator('.post-content img, .post-content script')).toHaveCount(0);
});
