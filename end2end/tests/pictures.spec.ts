import { readFileSync } from 'node:fs';
import { expect, Locator, Page, test } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

/** Opens the new-post form from the nav, as writer3. */
async function newPost(page: Page) {
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer3@example.com');
  await page.getByRole('link', { name: 'New Post' }).click();
  await expect(page).toHaveURL(/\/post\/new$/);
  await waitForHydration(page);
}

/** Pastes a 64 × 48 orange PNG into the text box at the end of its text, as a browser does. */
async function pastePicture(content: Locator) {
  await content.evaluate(async (area: HTMLTextAreaElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D context');
    context.fillStyle = '#f80';
    context.fillRect(0, 0, 64, 48);
    const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
    if (!blob) throw new Error('no PNG');
    const clipboard = new DataTransfer();
    clipboard.items.add(new File([blob], 'square.png', { type: 'image/png' }));
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
  });
}

/** The width the browser decoded `image` at (0 until it has loaded). */
function loadedWidth(image: Locator) {
  return () => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

test('a pasted picture shows in the preview and on the post page, with its alt text', async ({ page }) => {
  const title = `Orange square ${Date.now()}`;
  await newPost(page);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Alt text').fill('An orange square');
  const content = page.getByLabel('Content');
  await content.fill('Before the picture.');
  await pastePicture(content);
  await expect(content).toHaveValue(
    /^Before the picture\.\n\n!\[An orange square\]\(\/pictures\/[0-9a-f]{32}\.jpg\)\n$/,
  );
  await expect(page.getByLabel('Alt text')).toHaveValue('');

  await page.getByRole('button', { name: 'Preview' }).click();
  const previewed = page.locator('section.preview img[alt="An orange square"]');
  await expect.poll(loadedWidth(previewed)).toBe(64);
  await expect(page.locator('.preview-warning')).toHaveCount(0);
  await page.getByRole('button', { name: 'Write' }).click();

  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: title, exact: true }).first().click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect.poll(loadedWidth(page.locator('.post-content img[alt="An orange square"]'))).toBe(64);
});

test('the preview flags a picture without alt text', async ({ page }) => {
  await newPost(page);
  const content = page.getByLabel('Content');
  await pastePicture(content);
  await expect(content).toHaveValue(/!\[\]\(\/pictures\//);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('.preview-warning')).toHaveText(/^1 picture has no alt text\./);
});

test('Add picture uploads a chosen file with a progress bar', async ({ page }) => {
  await newPost(page);
  await expect(page.getByLabel('Picture', { exact: true })).toBeHidden();
  await page.getByLabel('Alt text').fill('Chosen');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add picture' }).click();
  const png = Buffer.from(
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 30;
      canvas.height = 20;
      const context = canvas.getContext('2d');
      if (context) {
        context.fillStyle = '#08f';
        context.fillRect(0, 0, 30, 20);
      }
      return canvas.toDataURL('image/png').split(',')[1];
    }),
    'base64',
  );
  await (await chooser).setFiles({ name: 'chosen.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByLabel('Content')).toHaveValue(/!\[Chosen\]\(\/pictures\/[0-9a-f]{32}\.(jpg|png)\)/);
  await expect(page.locator('.picture-adder progress')).toBeHidden();
});

test('an author exports their blog from the account page', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await logIn(page, 'writer3@example.com');
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await waitForHydration(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export my blog' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^quire-writer3-\d{4}-\d{2}-\d{2}\.zip$/);
  const path = await file.path();
  const zip = readFileSync(path);
  expect(zip.subarray(0, 4).toString('binary')).toBe('PK\x03\x04');
  // The ZIP's directory names every entry in clear.
  expect(zip.includes('README.txt')).toBe(true);
  expect(zip.includes('authors/writer3/author.toml')).toBe(true);
  expect(zip.includes('authors/writer3/posts/')).toBe(true);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the Picture field sends a picture with the post', async ({ page }) => {
    const title = `Red square ${Date.now()}`;
    await logIn(page, 'writer3@example.com');
    await page.goto('/post/new');
    await expect(page.getByRole('button', { name: 'Add picture' })).toBeHidden();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Content').fill('Sent without a script.');
    await page.getByLabel('Alt text').fill('A red square');
    await page.getByLabel('Picture', { exact: true }).setInputFiles(`${__dirname}/fixtures/red-square.png`);
    await page.getByRole('button', { name: 'Post', exact: true }).last().click();
    await expect(page).toHaveURL(/\/$/);
    await page.getByRole('link', { name: title, exact: true }).first().click();
    const picture = page.locator('.post-content img[alt="A red square"]');
    await expect(picture).toHaveAttribute('src', /^\/pictures\/[0-9a-f]{32}\.jpg$/);
    await expect.poll(loadedWidth(picture)).toBe(40);
  });
});
