import { expect, test } from '@playwright/test';
import { FIRST, SECOND } from './ports';
import { logIn } from '../tests/helpers';
import { readerFollowsWriter } from '../tests/live-helpers';

const A = `http://127.0.0.1:${FIRST}`;
const B = `http://127.0.0.1:${SECOND}`;

test('a post written, edited and deleted on one instance changes pages open on the other', async ({ browser }) => {
  const readerContext = await browser.newContext({ baseURL: A });
  const writerContext = await browser.newContext({ baseURL: B });
  const reader = await readerContext.newPage();
  const writer = await writerContext.newPage();
  await logIn(writer, 'writer1@example.com');
  await expect(writer).toHaveURL(`${B}/`);
  await readerFollowsWriter(reader, A, writer, B);
  await readerContext.close();
  await writerContext.close();
});
