// npm run platform -- --port 8787 --db ./platform.db [--seed-demo --credentials-out FILE]
//                     [--simulate] [--period 10m] [--backfill-days N] [--seed N] [--no-rate-limit]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPlatform } from './index.js';
import { parseDuration } from './duration.js';

const USAGE = `usage: npm run platform -- [--port 8787] [--db ./platform.db] [--seed-demo] [--credentials-out FILE]
       [--simulate] [--period 10m] [--backfill-days N] [--seed N] [--no-rate-limit]`;

function intArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
  return Number(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      db: { type: 'string', default: './platform.db' },
      'seed-demo': { type: 'boolean', default: false },
      'credentials-out': { type: 'string' },
      simulate: { type: 'boolean', default: false },
      period: { type: 'string' },
      'backfill-days': { type: 'string' },
      seed: { type: 'string' },
      'no-rate-limit': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const p = await startPlatform({
    port: intArg('port', values.port, 0, 65535),
    db_path: values.db!,
    seed_demo: values['seed-demo'],
    simulate: values.simulate,
    period_ms: values.period === undefined ? undefined : parseDuration(values.period),
    backfill_days: intArg('backfill-days', values['backfill-days'], 0, 365),
    seed: intArg('seed', values.seed, 0, 2 ** 31),
    rate_limit: values['no-rate-limit'] ? false : undefined,
  });
  process.stdout.write(`platform listening on ${p.url} (db ${values.db}); OpenAPI at ${p.url}/openapi.json, WebSocket ${p.url.replace('http', 'ws')}/v1/ws\n`);
  if (p.demo_credentials) {
    const json = JSON.stringify({ base_url: p.url, ...p.demo_credentials }, null, 2);
    if (values['credentials-out']) {
      writeFileSync(values['credentials-out'], json + '\n', { mode: 0o600 });
      process.stdout.write(`demo account ${p.demo_credentials.account_id}: credentials written to ${values['credentials-out']}\n`);
    } else {
      process.stdout.write(`demo account ${p.demo_credentials.account_id} (key ${p.demo_credentials.key_id}); pass --credentials-out FILE to get the secret\n`);
    }
  }
  const stop = () => {
    void p.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`platform: ${(e as Error).message}\n${USAGE}\n`);
  process.exit(1);
});
