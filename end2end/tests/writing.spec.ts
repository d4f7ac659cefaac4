import { expect, Page, test } from '@playwright/test';
import { expectFlash, logIn, waitForHydration } from './helpers';

/** Writes a post through /post/new and checks it is first on the home page. */
async function createPost(page: Page, title: string, content: string) {
  await page.getByRole('link', { name: 'New Post' }).click();
  await expect(page).toHaveURL(/\/post\/new$/);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Content').fill(content);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expectFlash(page, 'Your post has been created!');
  // The flash lives in the layout and can show before the home page's posts have replaced the
  // previous page, so wait for the list itself.
  await expect(page.locator('article.post .post-title').first()).toHaveText(title);
}

/** Opens the post from the home page, edits its title and checks the post page shows it. */
async function updatePost(page: Page, title: string, newTitle: string) {
  await page.locator('article.post .post-title a', { hasText: title }).first().click();
  await page.getByRole('link', { name: 'Update' }).click();
  await expect(page).toHaveURL(/\/post\/\d+\/update$/);
  await expect(page.getByRole('heading', { name: 'Update Post' })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await page.getByLabel('Title').fill(newTitle);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expectFlash(page, 'Your post has been updated!');
  await expect(page.locator('h1.post-title')).toHaveText(newTitle);
}

test('with JavaScript, an author creates, edits and deletes a post (confirming in a dialog)', async ({ page }) => {
  const title = `JS post ${Date.now()}`;
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer3@example.com');
  await createPost(page, title, 'First line\nSecond line');
  await updatePost(page, title, `${title} (edited)`);

  // Before the app has hydrated, Delete is a link to a page; after, it opens the dialog.
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/$/);
  // Should the deletion reach the post's page before it is left, it says so there too.
  await expectFlash(page, 'Your post has been deleted!');
  await expect(page.locator('article.post')).toHaveCount(5);
  await expect(page.locator('article.post .post-title', { hasText: title })).toHaveCount(0);
});

test('with JavaScript, an empty title is a field error and the typed content stays', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer3@example.com');
  await page.getByRole('link', { name: 'New Post' }).click();
  await waitForHydration(page);
  await page.getByLabel('Content').fill('Some words I do not want to lose');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('#title-error')).toHaveText('Title is required.');
  await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Content')).toHaveValue('Some words I do not want to lose');
});

test('with JavaScript, a post on its way says so and is sent only once', async ({ page }) => {
  await logIn(page, 'writer3@example.com');
  await page.goto('/post/new');
  await waitForHydration(page);
  let sent = 0;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/create_post', async (route) => {
    sent += 1;
    await held;
    await route.continue();
  });
  await page.getByLabel('Title').fill('');
  await page.getByLabel('Content').fill('Sent once');
  const post = page.getByRole('button', { name: 'Post', exact: true });
  await post.click();
  await expect(post).toBeDisabled();
  await expect(page.locator('.pending-note')).toHaveText('Working…');
  // A second submission while the first is on its way (Enter in a field, say) is not sent.
  await post.evaluate((button: HTMLButtonElement) => button.form?.requestSubmit());
  release();
  await expect(page.locator('#title-error')).toHaveText('Title is required.');
  await expect(post).toBeEnabled();
  await expect(page.locator('.pending-note')).toHaveText('');
  expect(sent).toBe(1);
});

test('with JavaScript, a form left busy is usable again when Back restores its page', async ({ page }) => {
  await logIn(page, 'writer3@example.com');
  await page.goto('/post/new');
  await waitForHydration(page);
  // The answer never comes, as for a form whose next page was loading when the visitor left.
  await page.route('**/api/create_post', () => {});
  await page.getByLabel('Title').fill('Left behind');
  await page.getByLabel('Content').fill('Some content');
  const post = page.getByRole('button', { name: 'Post', exact: true });
  await post.click();
  await expect(post).toBeDisabled();
  // What the browser fires when Back restores the page from its back-forward cache.
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  await expect(post).toBeEnabled();
  await expect(page.locator('.pending-note')).toHaveText('');
});

test('with JavaScript, a post the server cannot be reached for says so and keeps the draft', async ({ page }) => {
  await logIn(page, 'writer3@example.com');
  await page.goto('/post/new');
  await waitForHydration(page);
  await page.route('**/api/create_post', (route) => route.abort('internetdisconnected'));
  await page.getByLabel('Title').fill('Written offline');
  await page.getByLabel('Content').fill('Words that must survive a dropped connection');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Quire could not be reached. Check your connection and try again.');
  await expect(page).toHaveURL(/\/post\/new$/);
  await expect(page.getByLabel('Content')).toHaveValue('Words that must survive a dropped connection');
});

test('with JavaScript, an error page from a proxy in front of Quire becomes a plain message', async ({ page }) => {
  await logIn(page, 'writer3@example.com');
  await page.goto('/post/new');
  await waitForHydration(page);
  await page.route('**/api/create_post', (route) =>
    route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }),
  );
  await page.getByLabel('Title').fill('Behind a proxy');
  await page.getByLabel('Content').fill('Some content');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Something went wrong (500)');
  await expect(page.getByRole('button', { name: 'Post', exact: true })).toBeEnabled();
});

test('another user sees no Update or Delete and gets 403 at the update URL', async ({ page }) => {
  await logIn(page, 'writer2@example.com');
  // The seeded posts on Rust carry its tag; its page holds them whatever other tests write.
  await page.goto('/tag/rust');
  await page.locator('article.post .post-title a', { hasText: 'Post 1 on Rust' }).click();
  await expect(page.locator('h1.post-title')).toHaveText('Post 1 on Rust');
  await expect(page.getByRole('link', { name: 'Update' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Delete' })).toHaveCount(0);
  const response = await page.goto(`${new URL(page.url()).pathname}/update`);
  expect(response?.status()).toBe(403);
  await expect(page.locator('h1')).toHaveText("You don't have permission to do that (403)");
});

test('a visitor who opens New Post is asked to log in first', async ({ page }) => {
  await page.goto('/post/new');
  await expect(page).toHaveURL(/\/login\?next=\/post\/new$/);
  await expectFlash(page, 'Please log in to access this page.');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an author creates, edits and deletes a post (confirming on a page)', async ({ page }) => {
    const title = `No-JS post ${Date.now()}`;
    await logIn(page, 'writer3@example.com');
    await createPost(page, title, 'Written without scripts');
    await updatePost(page, title, `${title} (edited)`);

    await page.getByRole('link', { name: 'Delete' }).click();
    await expect(page).toHaveURL(/\/post\/\d+\/delete$/);
    await expect(page.getByRole('heading', { name: 'Delete Post?' })).toBeVisible();
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expectFlash(page, 'Your post has been deleted!');
    await expect(page.locator('article.post .post-title', { hasText: title })).toHaveCount(0);
  });
});

test('with JavaScript, Preview shows the Markdown rendered and Write goes back to the draft', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer2@example.com');
  await page.getByRole('link', { name: 'New Post' }).click();
  await expect(page).toHaveURL(/\/post\/new$/);
  await waitForHydration(page);
  await page.getByLabel('Title').fill('Draft');
  await page.getByLabel('Content').fill('Some **bold** words\n\n- one\n- two');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.locator('strong')).toHaveText('bold');
  await expect(preview.locator('li')).toHaveText(['one', 'two']);
  await expect(page.getByLabel('Content')).toBeHidden();
  await expect(page).toHaveURL(/\/post\/new$/);
  await page.getByRole('button', { name: 'Write' }).click();
  await expect(page.getByLabel('Content')).toHaveValue('Some **bold** words\n\n- one\n- two');
});

test('a post written in Markdown shows its first paragraph on the home page and all of it on its page', async ({ page }) => {
  const title = `Markdown ${Date.now()}`;
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer2@example.com');
  await createPost(page, title, 'An *opening* line.\n\nThe rest, with a [link](https://example.com).');
  const card = page.locator('article.post').first();
  await expect(card.locator('.post-content em')).toHaveText('opening');
  await expect(card.locator('.post-content')).not.toContainText('The rest');
  await card.getByRole('link', { name: /Read more/ }).click();
  await expect(page.locator('h1.post-title')).toHaveText(title);
  const link = page.locator('.post-content a', { hasText: 'link' });
  await expect(link).toHaveAttribute('rel', 'nofollow ugc noopener');
});

test.describe('Enter in the title posts the form', () => {
  for (const scripts of [true, false]) {
    test.describe(scripts ? 'with JavaScript' : 'without JavaScript', () => {
      test.use({ javaScriptEnabled: scripts });

      test('Enter in the title of a new post posts it', async ({ page }) => {
        const title = `Entered ${scripts ? 'js' : 'nojs'} ${Date.now()}`;
        await logIn(page, 'writer2@example.com');
        await page.goto('/post/new');
        if (scripts) await waitForHydration(page);
        await page.getByLabel('Content').fill('Posted with Enter');
        await page.getByLabel('Title').fill(title);
        await page.getByLabel('Title').press('Enter');
        await expect(page).toHaveURL(/\/$/);
        await expectFlash(page, 'Your post has been created!');
        await expect(page.locator('article.post .post-title').first()).toHaveText(title);
      });

      test('a submission naming no button posts the form', async ({ page }) => {
        const title = `Requested ${scripts ? 'js' : 'nojs'} ${Date.now()}`;
        await logIn(page, 'writer2@example.com');
        await page.goto('/post/new');
        if (scripts) await waitForHydration(page);
        await page.getByLabel('Title').fill(title);
        await page.getByLabel('Content').fill('Posted by requestSubmit()');
        if (scripts) {
          await page.locator('form:has(#title)').evaluate((form: HTMLFormElement) => form.requestSubmit());
        } else {
          // Without scripts, the form's default button is what a browser's Enter uses.
          await page.getByLabel('Title').press('Enter');
        }
        await expect(page).toHaveURL(/\/$/);
        await expectFlash(page, 'Your post has been created!');
      });
    });
  }
});

test.describe('a refused form without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('comes back with the title and content as they were typed', async ({ page }) => {
    await logIn(page, 'writer2@example.com');
    await page.goto('/post/new');
    const long = 'x'.repeat(101);
    await page.getByLabel('Title').fill(long);
    await page.getByLabel('Content').fill('A draft\nthat must not be lost');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await expect(page.locator('#title-error')).toHaveText('Title must be at most 100 characters long.');
    await expect(page.getByLabel('Title')).toHaveValue(long);
    await expect(page.getByLabel('Content')).toHaveValue('A draft\nthat must not be lost');
  });
});

test('a table aligned in Markdown is aligned on the page', async ({ page }) => {
  const title = `Table ${Date.now()}`;
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer2@example.com');
  await createPost(page, title, '| left | middle | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |');
  await page.locator('article.post .post-title a', { hasText: title }).first().click();
  const cells = page.locator('.post-content th');
  await expect(cells.nth(1)).toHaveCSS('text-align', 'center');
  await expect(cells.nth(2)).toHaveCSS('text-align', 'right');
});
