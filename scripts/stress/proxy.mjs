// A TCP proxy in front of Postgres that the outage check can cut and restore: SIGUSR1 drops
// every connection and refuses new ones, as a stopped database would; SIGUSR2 accepts again.
import net from 'node:net';

/** Forwards 127.0.0.1:`listen` to `target` ("host:port") until the process is stopped. */
export function runProxy(listen, target) {
  const [host, port] = target.split(':');
  const open = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.pipe(upstream).pipe(client);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  const up = () => server.listen(listen, '127.0.0.1');
  process.on('SIGUSR1', () => {
    server.close();
    for (const socket of open) socket.destroy();
    open.clear();
  });
  process.on('SIGUSR2', () => {
    if (!server.listening) up();
  });
  process.on('SIGTERM', () => process.exit(0));
  // While down, nothing else would keep the process alive.
  setInterval(() => {}, 60_000);
  up();
}
