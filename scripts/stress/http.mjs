// One HTTP exchange with a time limit, as the stress checks need it: status, headers and body,
// or a named failure ('timeout' for a response that hung, 'cut' for one that ended early).
import http from 'node:http';

/** A keep-alive agent shared by one check's clients. */
export function agent(connections) {
  return new http.Agent({ keepAlive: true, maxSockets: connections });
}

/**
 * Sends one request and resolves with { status, headers, body, ms } or { failure, ms }.
 * Never rejects: the checks count failures instead of stopping at the first.
 */
export function send(base, { method = 'GET', path = '/', headers = {}, body, timeoutMs = 10_000, agent: via } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result) => {
      if (!settled) {
        settled = true;
        resolve({ ...result, ms: performance.now() - started });
      }
    };
    const url = new URL(path, base);
    const req = http.request(url, { method, headers, agent: via }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('aborted', () => finish({ failure: 'cut' }));
      res.on('error', () => finish({ failure: 'cut' }));
    });
    req.setTimeout(timeoutMs, () => {
      finish({ failure: 'timeout' });
      req.destroy();
    });
    req.on('error', (error) => finish({ failure: error.code === 'ECONNREFUSED' ? 'refused' : 'cut' }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A percent-encoded form body. */
export function form(fields) {
  return new URLSearchParams(fields).toString();
}

/** Headers of a same-origin form post, as the site's own pages send it. */
export function formHeaders(cookie) {
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Sec-Fetch-Site': 'same-origin',
  };
  if (cookie) headers.Cookie = cookie;
  return headers;
}

/** Logs `email` in with the seed password; resolves with the session cookie (`name=value`). */
export async function login(base, email, password = 'password') {
  const res = await send(base, {
    method: 'POST',
    path: '/api/login',
    headers: formHeaders(),
    body: form({ email, password }),
    timeoutMs: 30_000,
  });
  const cookies = res.headers?.['set-cookie'] ?? [];
  const session = cookies.map((c) => c.split(';')[0]).find((c) => /^(__Host-)?quire_session=/.test(c));
  if (!session) throw new Error(`log-in as ${email} failed: ${res.status ?? res.failure}`);
  return session;
}

/** Runs `count` jobs over `width` workers; `job(i)` is awaited for each index in turn. */
export async function pool(count, width, job) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
