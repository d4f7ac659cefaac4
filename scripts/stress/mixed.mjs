// Every kind of page and the read-only server functions, logged in and logged out, over many
// connections at once: each must come back whole, within the client's time limit.
import { agent, formHeaders, login, pool, send } from './http.mjs';
import { counts, summary } from './figures.mjs';

/** The request number `i` of the mix, for a site seeded with `users` writers and `posts` posts. */
function pick(i, { users, posts }) {
  const writer = `writer${(i % users) + 1}`;
  const post = (i % posts) + 1;
  const page = (i % 7) + 1;
  const kinds = [
    { path: '/' },
    { path: `/?page=${page}` },
    { path: '/users' },
    { path: `/user/${writer}` },
    { path: `/user/${writer}?page=${page}` },
    { path: `/post/${post}` },
    { path: `/post/${post}/update` },
    { path: '/post/new' },
    { path: '/account' },
    { path: '/about' },
    { path: '/login' },
    { path: '/register' },
    { path: '/reset_password' },
    { path: '/no/such/page' },
    { path: '/api/list_posts', body: JSON.stringify({ page }) },
    { path: '/api/get_post', body: JSON.stringify({ id: post }) },
    { path: '/api/list_user_posts', body: JSON.stringify({ username: writer, page: 1 }) },
    { path: '/api/current_user', body: '{}' },
  ];
  return kinds[i % kinds.length];
}

/** Sends `requests` requests over `connections` connections; every other one is logged in. */
export async function mixedLoad(base, { requests, connections, users, posts }) {
  const sessions = [];
  for (let c = 1; c <= Math.min(users, 4); c++) sessions.push(await login(base, `writer${c}@example.com`));
  const via = agent(connections);
  const outcomes = [];
  const times = [];
  const started = performance.now();
  await pool(requests, connections, async (i) => {
    const kind = pick(i, { users, posts });
    const cookie = i % 2 === 0 ? sessions[i % sessions.length] : undefined;
    const options = kind.body === undefined
      ? { path: kind.path, headers: cookie ? { Accept: 'text/html', Cookie: cookie } : { Accept: 'text/html' } }
      : { method: 'POST', path: kind.path, headers: { ...formHeaders(cookie), 'Content-Type': 'application/json', Accept: 'application/json' }, body: kind.body };
    const res = await send(base, { ...options, agent: via, timeoutMs: 10_000 });
    outcomes.push(res.failure ?? `${Math.floor(res.status / 100)}xx`);
    if (!res.failure) times.push(res.ms);
  });
  via.destroy();
  const hung = outcomes.filter((o) => o === 'timeout').length;
  const cut = outcomes.filter((o) => o === 'cut' || o === 'refused').length;
  const serverErrors = outcomes.filter((o) => o === '5xx').length;
  return {
    hung,
    cut,
    serverErrors,
    line: `${requests} requests over ${connections} connections in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
      `${hung} hung, ${cut} ended early, ${serverErrors} with 5xx (${counts(outcomes)}); ${summary(times)}`,
  };
}
