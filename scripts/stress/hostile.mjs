// Malformed requests of every kind, sent as raw bytes so that nothing on the client side tidies
// them up: none may get a 5xx (but the 503 of a load limit), hang, or bring the server down.
// A connection the server closes without an answer counts as answered: it does so for a client
// that sends nothing it can parse within its 10 s limit. `/error/5xx` pages are left out: they
// answer the status they display, by design.
import net from 'node:net';
import { pool, send } from './http.mjs';
import { counts } from './figures.mjs';

const ENDPOINTS = [
  'current_user', 'register', 'login', 'logout', 'list_posts', 'get_post', 'editable_post',
  'create_post', 'update_post', 'delete_post', 'list_users', 'list_user_posts', 'take_flash',
  'account', 'update_account', 'change_password', 'request_password_reset', 'check_reset_token',
  'reset_password',
];

const PAGES = [
  '/', '/?page=abc', '/?page=-1', '/?page=0', '/?page=99999999999999999999', '/?page=1e309',
  '/?page=1&page=2', '/home?page=%FF', '/post/abc', '/post/-1', '/post/99999999999999999999',
  '/post/1/update', '/post/1/delete', '/post/new', '/user/%00', '/user/..', '/user/%2e%2e%2f%2e%2e',
  '/user/%FF%FE', '/users?page=-3', '/users?page=abc', '/account', '/reset_password/garbage',
  '/reset_password/%00%00', '/avatars/..%2f..%2fetc%2fpasswd', '/avatars/%FF.png', '/pkg/..%2f..%2fCargo.toml',
  '/error/999', '/error/abc', '/error/5000', '/error/-1', '/about?x=%', '/%', '/login?next=//evil.example',
  '/login?next=javascript:alert(1)',
];

/** Form bodies that are wrong in every way a form can be. */
const FORM_BODIES = [
  '', 'id=abc', 'id=', 'id=-1', 'id=99999999999999999999999', 'id=1.5', 'page=abc', 'page=-9',
  'page=1e309', 'page=1&page=2', 'title=a&title=b&content=x&content=y&id=1&id=2',
  'title=%FF%FE&content=%C0%AF', 'username=%00&email=%00&password=%00&confirm_password=%00',
  'email=a@b.c&password=x&remember=maybe', 'a[b][c][d]=1', '%%%%', '=&=&=', 'title=' + 'A'.repeat(200_000),
  'token=' + 'f'.repeat(5000) + '&password=x&confirm_password=x', 'username=' + '.'.repeat(64),
];

const JSON_BODIES = ['{"id":"x"}', '[1,2,3]', '{', 'null', '{"page":1e999}', '{"title":{"a":1}}', '"\\ud800"'];

const METHODS = ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'HEAD', 'FOO', 'CONNECT'];

const SESSION_COOKIES = [
  'quire_session=', 'quire_session=' + 'z'.repeat(4096), 'quire_session=%FF%FE%00',
  'quire_session=1; quire_session=2', '__Host-quire_session=garbage', 'quire_session="quoted"',
  'quire_flash=' + 'x'.repeat(3000), 'quire_flash=%7B%22kind%22%3A%22nope%22%7D',
];

const pick = (list, i) => list[i % list.length];

/** Raw request number `i`: a Buffer, and whether to half-close the connection after sending. */
function build(i, host) {
  const head = (method, path, headers, body = Buffer.alloc(0), length = body.length) => {
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...headers];
    if (method !== 'GET' || body.length) lines.push(`Content-Length: ${length}`);
    return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
  };
  const endpoint = `/api/${pick(ENDPOINTS, i)}`;
  const sameOrigin = 'Sec-Fetch-Site: same-origin';
  const kind = i % 16;
  const n = Math.floor(i / 16);
  switch (kind) {
    case 0: return { label: 'form body', bytes: head('POST', endpoint, ['Content-Type: application/x-www-form-urlencoded', sameOrigin], Buffer.from(pick(FORM_BODIES, n))) };
    case 1: return { label: 'JSON body', bytes: head('POST', endpoint, ['Content-Type: application/json', 'Accept: application/json', sameOrigin], Buffer.from(pick(JSON_BODIES, n))) };
    case 2: return { label: 'multipart body', bytes: head('POST', endpoint, ['Content-Type: multipart/form-data; boundary=zz', sameOrigin], Buffer.from('--zz\r\nContent-Disposition: form-data; name="id"\r\n\r\n1\r\n--zz')) };
    case 3: return { label: 'binary body', bytes: head('POST', endpoint, [pick(['Content-Type: text/plain', 'Content-Type: application/cbor', 'Content-Type: application/octet-stream', 'Content-Type: ;;;'], n), sameOrigin], Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28])) };
    case 4: return { label: 'GET with query', bytes: head('GET', `${endpoint}?${pick(FORM_BODIES, n).slice(0, 4000)}`, ['Accept: application/json']) };
    case 5: return { label: 'odd method', bytes: head(pick(METHODS, n), pick([endpoint, ...PAGES], n), [sameOrigin]) };
    case 6: return { label: 'page with garbage cookie', bytes: head('GET', pick(PAGES, n), ['Accept: text/html', `Cookie: ${pick(SESSION_COOKIES, n)}`]) };
    case 7: return { label: 'create_post with garbage cookie', bytes: head('POST', '/api/create_post', ['Content-Type: application/x-www-form-urlencoded', sameOrigin, `Cookie: ${pick(SESSION_COOKIES, n)}`], Buffer.from('title=t&content=c')) };
    case 8: return { label: 'overlong path', bytes: head('GET', '/' + 'a'.repeat(8000 + (n % 5) * 10_000), []) };
    case 9: return { label: 'overlong cookie', bytes: head('GET', '/', [`Cookie: a=${'x'.repeat(10_000 + (n % 5) * 20_000)}`]) };
    case 10: return { label: 'truncated body', bytes: head('POST', endpoint, ['Content-Type: application/x-www-form-urlencoded', sameOrigin], Buffer.from('title=cut'), 10_000), halfClose: true };
    case 11: return { label: 'oversized body', bytes: head('POST', pick(['/api/create_post', '/api/login', '/account/picture'], n), ['Content-Type: application/x-www-form-urlencoded', sameOrigin], Buffer.alloc(n % 40 === 0 ? 3 * 1024 * 1024 : 4096, 0x61)) };
    case 12: return { label: 'garbage request line', bytes: Buffer.from(pick(['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', '\r\n\r\n\r\n'], n), 'latin1') };
    case 13: return { label: 'bad chunked body', bytes: Buffer.concat([Buffer.from(`POST ${endpoint} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n`), Buffer.from(pick(['zz\r\nabc\r\n0\r\n\r\n', '5\r\nid=1\r\n', 'ffffffffffffffff\r\n', '0\r\n\r\nGET / HTTP/1.1\r\n\r\n'], n))]), halfClose: true };
    case 14: return { label: 'fake picture', bytes: head('POST', '/account/picture', ['Content-Type: multipart/form-data; boundary=b', sameOrigin, `Cookie: ${pick(SESSION_COOKIES, n)}`], Buffer.from('--b\r\nContent-Disposition: form-data; name="picture"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nnot really\r\n--b--\r\n', 'latin1')) };
    default: return { label: 'odd forwarding headers', bytes: head('GET', '/', ['Accept: text/html', `X-Forwarded-For: ${pick(['::1, garbage', '999.1.1.1', '', '1.1.1.1'.repeat(500)], n)}`, `Accept-Encoding: ${pick(['br;q=abc', 'gzip, *;q=-1', 'x'.repeat(3000)], n)}`]) };
  }
}

/** Sends raw bytes on a new connection; resolves with the status code, 'closed' or 'timeout'. */
function exchange(port, { bytes, halfClose }, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (outcome) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome);
      }
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes, () => { if (halfClose) socket.end(); });
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const line = received.toString('latin1').split('\r\n')[0];
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(line);
      if (match) finish(Number(match[1]));
    });
    socket.on('error', () => finish(received.length ? 'cut' : 'closed'));
    socket.on('close', () => finish(received.length ? 'cut' : 'closed'));
  });
}

/** Sends `requests` malformed requests over `connections` connections at a time. */
export async function hostileInput(base, { requests, connections }) {
  const { host, port } = new URL(base);
  const outcomes = [];
  let down = 0;
  const started = performance.now();
  const examples = new Map();
  await pool(requests, connections, async (i) => {
    const request = build(i, host);
    const outcome = await exchange(Number(port), request, 15_000);
    outcomes.push(outcome);
    if (outcome === 'timeout' || (typeof outcome === 'number' && outcome >= 500 && outcome !== 503)) {
      const key = `${outcome} for ${request.label}`;
      if (!examples.has(key)) examples.set(key, request.bytes.subarray(0, 160).toString('latin1').replace(/\r\n/g, ' | '));
    }
    if (i % 500 === 499) {
      const health = await send(base, { path: '/healthz', timeoutMs: 5_000 });
      if (health.status !== 200) down++;
    }
  });
  const serverErrors = outcomes.filter((s) => typeof s === 'number' && s >= 500 && s !== 503).length;
  const hung = outcomes.filter((s) => s === 'timeout').length;
  return {
    serverErrors,
    hung,
    down,
    line: `${requests} malformed requests in ${((performance.now() - started) / 1000).toFixed(1)} s: ${serverErrors} with a 5xx other than 503, ` +
      `${hung} hung, ${down} failed health checks (${counts(outcomes)})` +
      [...examples].map(([key, bytes]) => `\n   ${key}: ${bytes}`).join(''),
  };
}
