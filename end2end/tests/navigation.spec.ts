import { expect, Page, Request, test } from '@playwright/test';
import { waitForHydration } from './helpers';

/** Sets a value on `window` that only survives while no document is loaded. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'still here'));
}

/** The value set by `mark`, if the page is still the same document. */
async function marker(page: Page) {
  return page.evaluate(() => (window as unknown as { __marker?: string }).__marker);
}

/** Records the requests a page makes: document loads, and calls of server functions. */
function watchRequests(page: Page) {
  const documents: string[] = [];
  const serverCalls: string[] = [];
  page.on('request', (request: Request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
    if (new URL(request.url()).pathname.startsWith('/api/')) serverCalls.push(new URL(request.url()).pathname);
  });
  return { documents, serverCalls };
}

test('links navigate in the browser: author, post, Users, Back, page number, Forward', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await mark(page);
  const requests = watchRequests(page);

  const author = page.locator('article.post a.author').nth(1);
  const name = (await author.textContent()) ?? '';
  await author.click();
  await expect(page).toHaveURL(`/user/${name}`);
  await expect(page.locator('h1')).toHaveText(new RegExp(`^Posts by ${name} \\(\\d+\\)$`));
  expect(requests.serverCalls).toContain('/api/list_user_posts');

  const post = page.locator('article.post .post-title a').first();
  const title = (await post.textContent()) ?? '';
  await post.click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect(page.locator('h1.post-title')).toHaveText(title);
  expect(requests.serverCalls).toContain('/api/get_post');

  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL('/users');
  await expect(page.locator('h1')).toHaveText(/^Users/);
  expect(requests.serverCalls).toContain('/api/list_users');

  await page.goBack();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect(page.locator('h1.post-title')).toHaveText(title);

  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page).toHaveURL('/');
  await page.locator('nav.pagination a', { hasText: /^2$/ }).click();
  await expect(page).toHaveURL('/?page=2');
  await expect(page.locator('nav.pagination a[aria-current="page"]')).toHaveText('2');
  expect(requests.serverCalls).toContain('/api/list_posts');
  await page.goBack();
  await expect(page).toHaveURL('/');
  await page.goForward();
  await expect(page).toHaveURL('/?page=2');
  await expect(page.locator('nav.pagination a[aria-current="page"]')).toHaveText('2');

  expect(requests.documents).toEqual([]);
  expect(await marker(page)).toBe('still here');
});

test('a post title opens the post page with its own title, and the focus moves to it', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('article.post .post-title a', { hasText: 'Post 48 on photography' }).click();
  await expect(page).toHaveURL(/\/post\/\d+$/);
  await expect(page.locator('h1.post-title')).toHaveText('Post 48 on photography');
  await expect(page).toHaveTitle('Quire – Post 48 on photography');
  await expect(page.locator('main#main')).toBeFocused();
});

test('the loading bar shows while the next page waits for its data', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/list_users', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.locator('.loading-bar')).toHaveClass(/active/);
  release();
  await expect(page.locator('h1')).toHaveText(/^Users/);
  await expect(page.locator('.loading-bar')).not.toHaveClass(/active/);
});

test('a page whose data fails to load shows the error page in the app, and the next link works', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await mark(page);
  await page.route('**/api/list_users', (route) => route.abort());
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.locator('.error-page')).toBeVisible();
  await page.unroute('**/api/list_users');
  await page.getByRole('link', { name: 'About', exact: true }).click();
  await expect(page).toHaveURL('/about');
  await expect(page.locator('h1')).toHaveText(/About/);
  expect(await marker(page)).toBe('still here');
});

test('a page answered 404 shows the 404 page in the app', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.route('**/api/get_post', (route) =>
    route.fulfill({ status: 404, contentType: 'application/json', body: '"NotFound"' }),
  );
  await page.locator('article.post .post-title a').first().click();
  await expect(page.locator('.error-page')).toContainText('404');
});

test('a search from the nav shows its results without a page load', async ({ page }) => {
  await page.goto('/about');
  await waitForHydration(page);
  await mark(page);
  await page.getByRole('searchbox', { name: 'Search posts' }).first().fill('patience');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page).toHaveURL(/\/search\?q=patience$/);
  await expect(page.locator('.search-hit').first().locator('mark')).toHaveText('patience');
  expect(await marker(page)).toBe('still here');
});

test('with JavaScript, a form shows its field errors without a page load', async ({ page }) => {
  await page.goto('/register');
  await waitForHydration(page);
  await mark(page);
  await page.getByLabel('Username').fill('x');
  await page.getByRole('button', { name: 'Sign Up' }).click();
  await expect(page.locator('#username-error')).not.toBeEmpty();
  await expect(page).toHaveURL('/register');
  expect(await marker(page)).toBe('still here');
});

test("a page's code is loaded when the page is first shown, not before", async ({ page }) => {
  const parts: string[] = [];
  page.on('request', (request) => {
    const part = /\/pkg\/split___(\w+?)_route_view/.exec(request.url());
    if (part) parts.push(part[1]);
  });
  await page.goto('/');
  await waitForHydration(page);
  expect(parts).toContain('home');
  expect(parts).not.toContain('users');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL('/users');
  await expect(page.locator('h1')).toHaveText(/^Users/);
  expect(parts).toContain('users');
});
