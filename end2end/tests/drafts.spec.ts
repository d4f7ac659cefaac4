import { expect, Page, test } from '@playwright/test';
import { expectFlash, logIn, waitForHydration } from './helpers';

/** Opens the new-post form from the nav and fills its title, tags and content. */
async function startPost(page: Page, title: string, tags: string, content: string) {
  await page.getByRole('link', { name: 'New Post' }).click();
  await expect(page).toHaveURL(/\/post\/new$/);
  await waitForHydration(page);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Tags').fill(tags);
  await page.getByLabel('Content').fill(content);
}

/** A moment `seconds` from now as the browser's `datetime-local` field writes it, in its zone. */
async function localMomentAhead(page: Page, seconds: number): Promise<string> {
  return page.evaluate((ahead) => {
    const at = new Date(Date.now() + ahead * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  }, seconds);
}

test('an author saves a draft, previews it, schedules it, and it goes public on time', async ({ page, request }) => {
  const title = `Scheduled ${Date.now()}`;
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer2@example.com');
  await startPost(page, title, 'e2e-schedule', 'Written *ahead* of time.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/post\/\d+\/update$/);
  await expectFlash(page, 'Your draft has been saved.');
  await expect(page.getByRole('button', { name: 'Publish', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('section.preview em')).toHaveText('ahead');
  await page.getByRole('button', { name: 'Write' }).click();

  // Nobody else sees the draft meanwhile.
  expect(await (await request.get('/')).text()).not.toContain(title);

  await page.getByLabel('Publish at').fill(await localMomentAhead(page, 6));
  await expect(page.locator('.field-hint', { hasText: 'your time zone' })).toBeVisible();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page).toHaveURL(/\/drafts$/);
  await expectFlash(page, 'Your post has been scheduled.');
  await expect(page.locator('.draft-row', { hasText: title })).toContainText('Scheduled for');

  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page.locator('article.post .post-title').first()).not.toHaveText(title);
  await expect
    .poll(
      async () => {
        await page.goto('/');
        return page.locator('article.post .post-title').first().textContent();
      },
      { timeout: 20_000, intervals: [1_000] },
    )
    .toBe(title);
  expect(await (await request.get('/feed.xml')).text()).toContain(title);
});

test('a tagged post links to its tag page, which opens without a page load', async ({ page }) => {
  const title = `Tagged ${Date.now()}`;
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer3@example.com');
  await startPost(page, title, 'E2E Kites, beach', 'Kites over the dunes.');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  const first = page.locator('article.post').first();
  await expect(first.locator('.post-title')).toHaveText(title);
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { __stay: string }).__stay = 'still here'));
  await first.getByRole('link', { name: 'E2E Kites' }).click();
  await expect(page).toHaveURL(/\/tag\/e2e%20kites$/);
  await expect(page.getByRole('heading', { name: 'Posts tagged E2E Kites' })).toBeVisible();
  await expect(page.locator('article.post .post-title').first()).toHaveText(title);
  expect(await page.evaluate(() => (window as unknown as { __stay?: string }).__stay)).toBe('still here');

  await page.getByRole('link', { name: 'Tags', exact: true }).click();
  await expect(page.locator('.tag-row', { hasText: 'E2E Kites' })).toContainText('1 post');
});

test('a sixth tag is refused under the Tags field, and nothing typed is lost', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer1@example.com');
  await startPost(page, 'Too many tags', 'a, b, c, d, e, f', 'Body kept.');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('#tags-error')).toHaveText('A post can have at most 5 tags.');
  await expect(page.getByLabel('Tags')).toHaveValue('a, b, c, d, e, f');
  await expect(page.getByLabel('Content')).toHaveValue('Body kept.');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('Save draft keeps the post unpublished and says "Publish at" is in UTC', async ({ page, request }) => {
    const title = `No-JS draft ${Date.now()}`;
    await logIn(page, 'writer1@example.com');
    await page.goto('/post/new');
    await expect(page.getByText('Optional. Times are in UTC.')).toBeVisible();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Content').fill('Not for anyone yet.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page).toHaveURL(/\/post\/\d+\/update$/);
    await expect(page.getByRole('heading', { name: 'Edit Draft' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Publish', exact: true })).toBeVisible();
    expect(await (await request.get('/')).text()).not.toContain(title);
    await page.getByRole('link', { name: 'Drafts' }).click();
    await expect(page.locator('.draft-row', { hasText: title })).toContainText('Draft');
  });
});
