// npm run platform -- --port 8787 --db ./platform.db [--seed-demo --credentials-out FILE]
//                     [--simulate] [--period 10m] [--backfill-days N] [--seed N] [--no-rate-limit]
// --db postgres://… (or DATABASE_URL, when --db is not given) runs on PostgreSQL instead of
// a SQLite file; the key sealing API secrets is then --secrets-key (default ./platform.secrets-key).
import { writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { isPostgresUrl, validatePostgresUrl } from './core/pg-connect.js';
import { startReader } from './http/reader.js';
import { startPlatform } from './index.js';
import { parseDuration } from './duration.js';

const USAGE = `usage: npm run platform -- [--port 8787] [--db ./platform.db | --db postgres://user@host:5432/db] [--secrets-key FILE]
       [--seed-demo] [--credentials-out FILE] [--simulate] [--period 10m] [--backfill-days N] [--seed N] [--no-rate-limit]
       DATABASE_URL=postgres://… is used when --db is not given
       --writer-url http://writer:port (with a postgres:// --db): run as a read API process that
       serves the event feed from PostgreSQL and forwards everything else to that writer
       --trusted-proxy ADDR (repeatable): a reader or load balancer whose X-Forwarded-For is believed`;

function intArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
  return Number(text);
}

/** The connection string without its password, for logs. */
function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      db: { type: 'string' },
      'secrets-key': { type: 'string' },
      'writer-url': { type: 'string' },
      'trusted-proxy': { type: 'string', multiple: true },
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
  for (const a of values['trusted-proxy'] ?? []) if (isIP(a) === 0) throw new Error(`--trusted-proxy ${a} is not an IP address`);
  const db = values.db ?? (process.env.DATABASE_URL || './platform.db');
  const postgres = isPostgresUrl(db);
  if (postgres) validatePostgresUrl(db);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) throw new Error(`--db ${db.split('://')[0]}://… is not supported: give a SQLite file or a postgres:// URL`);
  if (values['writer-url'] !== undefined) {
    if (!postgres) throw new Error('--writer-url needs --db postgres://… (a reader serves from the writer\'s PostgreSQL)');
    const r = await startReader({ database_url: db, writer_url: values['writer-url'], secrets_key_file: values['secrets-key'] ?? './platform.secrets-key', port: intArg('port', values.port, 0, 65535), ...(values['no-rate-limit'] ? { rate_limit: false as const } : {}), ...(values['trusted-proxy'] ? { trusted_proxies: values['trusted-proxy'] } : {}) });
    process.stdout.write(`platform reader listening on ${r.url} (db ${redactUrl(db)}, writer ${values['writer-url']})\n`);
    const stopReader = () => void r.close().then(() => process.exit(0));
    process.on('SIGINT', stopReader);
    process.on('SIGTERM', stopReader);
    return;
  }
  const p = await startPlatform({
    port: intArg('port', values.port, 0, 65535),
    ...(postgres ? { database_url: db, secrets_key_file: values['secrets-key'] ?? './platform.secrets-key' } : { db_path: db }),
    ...(!postgres && values['secrets-key'] ? { secrets_key_file: values['secrets-key'] } : {}),
    // Fail-stop: the working copy may be ahead of PostgreSQL, so this process must not go on.
    // A supervisor restarts it, and the new process loads what PostgreSQL committed.
    on_store_failure: (e) => {
      process.stderr.write(`platform: PostgreSQL write failed, stopping (restart to reload from PostgreSQL): ${(e as Error).message}\n`);
      process.exit(2);
    },
    seed_demo: values['seed-demo'],
    simulate: values.simulate,
    period_ms: values.period === undefined ? undefined : parseDuration(values.period),
    backfill_days: intArg('backfill-days', values['backfill-days'], 0, 365),
    seed: intArg('seed', values.seed, 0, 2 ** 31),
    rate_limit: values['no-rate-limit'] ? false : undefined,
    ...(values['trusted-proxy'] ? { trusted_proxies: values['trusted-proxy'] } : {}),
  });
  process.stdout.write(`platform listening on ${p.url} (db ${postgres ? redactUrl(db) : db}); OpenAPI at ${p.url}/openapi.json, WebSocket ${p.url.replace('http', 'ws')}/v1/ws\n`);
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
