// While the database is away: every request must fail fast with the 503 page and Retry-After;
// once it is back: the site must serve again by itself.
import { pool, send, sleep } from './http.mjs';
import { counts, summary } from './figures.mjs';

const PAGES = ['/', '/?page=2', '/users', '/user/writer1', '/post/1', '/about', '/login', '/account'];

/** Sends page requests for `seconds` seconds, 4 at a time, and checks each answer. */
export async function duringOutage(base, { seconds }) {
  const deadline = performance.now() + seconds * 1000;
  const outcomes = [];
  const times = [];
  let wrongPage = 0;
  await pool(4, 4, async () => {
    for (let i = 0; performance.now() < deadline; i++) {
      const res = await send(base, { path: PAGES[i % PAGES.length], headers: { Accept: 'text/html' }, timeoutMs: 10_000 });
      outcomes.push(res.failure ?? res.status);
      times.push(res.ms);
      if (res.status === 503 && (!res.headers['retry-after'] || !/temporarily unavailable/i.test(res.body))) wrongPage++;
    }
  });
  const ready = await send(base, { path: '/readyz', timeoutMs: 10_000 });
  const slow = times.filter((ms) => ms > 1_500).length;
  const not503 = outcomes.filter((o) => o !== 503 && o !== 200).length;
  return {
    ok: slow === 0 && not503 === 0 && wrongPage === 0 && ready.status === 503,
    line: `${outcomes.length} requests while the database was away: ${counts(outcomes)}; ${slow} slower than 1.5 s, ` +
      `${wrongPage} 503s without Retry-After or the message; /readyz ${ready.status ?? ready.failure}; ${summary(times)}`,
  };
}

/** Polls the home page until it answers 200, for at most `within` seconds. */
export async function recovered(base, { within }) {
  const started = performance.now();
  while (performance.now() - started < within * 1000) {
    const res = await send(base, { path: '/', headers: { Accept: 'text/html' }, timeoutMs: 5_000 });
    if (res.status === 200) {
      const ready = await send(base, { path: '/readyz', timeoutMs: 5_000 });
      return {
        ok: ready.status === 200,
        line: `database back: pages served again after ${((performance.now() - started) / 1000).toFixed(1)} s, /readyz ${ready.status ?? ready.failure}`,
      };
    }
    await sleep(200);
  }
  return { ok: false, line: `database back: the site still failed after ${within} s` };
}
