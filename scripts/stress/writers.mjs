// Logged-in clients writing posts through the real `create_post` server function, as the
// site's form does; used by the concurrent-writers check and by the crash check.
import { appendFileSync } from 'node:fs';
import { agent, form, formHeaders, login, send } from './http.mjs';
import { summary } from './figures.mjs';

/** True when the server took the post: a redirect home, not back to the form with an error. */
function acknowledged(res) {
  return res.status >= 200 && res.status < 400 && !String(res.headers.location ?? '').includes('__err');
}

/**
 * `clients` users (writer1 … of `quire db seed`) each write up to `posts` posts titled
 * `LABEL-cC-I`. Titles of acknowledged posts are appended to `ackFile` when given. With
 * `untilDown`, a client stops at its first refused or cut connection (the server was killed).
 */
export async function writePosts(base, { clients, posts, label, ackFile, untilDown = false }) {
  const via = agent(clients);
  const sessions = [];
  for (let c = 1; c <= clients; c++) sessions.push(await login(base, `writer${c}@example.com`));
  const tally = { acknowledged: 0, refused: 0, serverErrors: 0, failures: 0, locked: 0, times: [] };
  const started = performance.now();
  await Promise.all(
    sessions.map(async (cookie, c) => {
      for (let i = 1; i <= posts; i++) {
        const title = `${label}-c${c + 1}-${i}`;
        const res = await send(base, {
          method: 'POST',
          path: '/api/create_post',
          headers: formHeaders(cookie),
          body: form({ title, content: `Written by stress client ${c + 1}, post ${i}.` }),
          agent: via,
        });
        if (res.failure) {
          tally.failures++;
          if (untilDown) return;
          continue;
        }
        tally.times.push(res.ms);
        if (acknowledged(res)) {
          tally.acknowledged++;
          if (ackFile) appendFileSync(ackFile, `${title}\n`);
        } else if (res.status >= 500) {
          tally.serverErrors++;
        } else {
          tally.refused++;
        }
        if (/database is locked/i.test(res.body)) tally.locked++;
      }
    }),
  );
  via.destroy();
  return { ...tally, seconds: (performance.now() - started) / 1000, latency: summary(tally.times) };
}
