// The stress checks' entry point: `node main.mjs CHECK --base URL [options]` runs one check,
// prints its line of figures, and exits 1 when the check fails.
import { parseArgs } from 'node:util';
import { writePosts } from './writers.mjs';
import { mixedLoad } from './mixed.mjs';
import { hostileInput } from './hostile.mjs';
import { duringOutage, recovered } from './outage.mjs';
import { runProxy } from './proxy.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3500' },
    clients: { type: 'string', default: '16' },
    posts: { type: 'string', default: '50' },
    label: { type: 'string', default: 'stress' },
    ack: { type: 'string' },
    'until-down': { type: 'boolean', default: false },
    requests: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '32' },
    users: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
    listen: { type: 'string' },
    to: { type: 'string' },
  },
});
const number = (name) => Number(values[name]);
const base = values.base;

async function run(check) {
  switch (check) {
    case 'writers': {
      const r = await writePosts(base, { clients: number('clients'), posts: number('posts'), label: values.label, ackFile: values.ack, untilDown: values['until-down'] });
      console.log(`${number('clients')} writers: ${r.acknowledged} posts acknowledged, ${r.refused} refused, ${r.serverErrors} with 5xx, ` +
        `${r.failures} without a response, ${r.locked} 'database is locked' in ${r.seconds.toFixed(1)} s; ${r.latency}`);
      return values['until-down'] || (r.refused + r.serverErrors + r.failures + r.locked === 0);
    }
    case 'mixed': {
      const r = await mixedLoad(base, { requests: number('requests'), connections: number('connections'), users: number('users'), posts: number('posts') });
      console.log(r.line);
      return r.hung + r.cut + r.serverErrors === 0;
    }
    case 'hostile': {
      const r = await hostileInput(base, { requests: number('requests'), connections: number('connections') });
      console.log(r.line);
      return r.serverErrors + r.hung + r.down === 0;
    }
    case 'outage': {
      const r = await duringOutage(base, { seconds: number('seconds') });
      console.log(r.line);
      return r.ok;
    }
    case 'recovered': {
      const r = await recovered(base, { within: number('seconds') });
      console.log(r.line);
      return r.ok;
    }
    case 'proxy':
      runProxy(number('listen'), values.to);
      return new Promise(() => {});
    default:
      throw new Error(`unknown check '${check}': writers, mixed, hostile, outage, recovered or proxy`);
  }
}

run(positionals[0]).then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(`stress ${positionals[0]}: ${error.message}`);
    process.exit(1);
  },
);
