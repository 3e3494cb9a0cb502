// The PostgreSQL engine (store-pg.ts): what the writer's working copy commits reaches
// PostgreSQL, a new process loads exactly that state, and a failed flush stops the writer
// (fail-stop) instead of answering from a copy ahead of the truth. Skipped, with the
// reason, without PostgreSQL.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformCore } from '../../platform/core/core.js';
import { dec } from '../../shared/money.js';
import { validatePostgresUrl, WRITER_LOCK_KEY } from '../../platform/core/pg-connect.js';
import { PgStore } from '../../platform/core/store-pg.js';
import { MAX_ROWS_PER_STATEMENT } from '../../platform/core/pg-journal.js';
import { sign } from '../../platform/auth/signing.js';
import { startPlatform } from '../../platform/index.js';
import { findPgBin, startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { freshSchemaUrl, keyDir } from '../support/engines.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const PERIOD = 60_000;

it('validates the connection string with a clear error', () => {
  expect(() => validatePostgresUrl('nonsense')).toThrow(/not a URL/);
  expect(() => validatePostgresUrl('mysql://h/db')).toThrow(/must start with postgres:\/\//);
  expect(() => validatePostgresUrl('postgres://u@h:70000/db')).toThrow(/not a URL|out of range/);
  expect(() => validatePostgresUrl('postgres://u@h:5432')).toThrow(/names no database/);
  expect(() => validatePostgresUrl('postgres://u:secret@h:5432/')).toThrow(/^(?!.*secret)/);
  expect(() => validatePostgresUrl('postgresql://u@127.0.0.1:5432/db')).not.toThrow();
});

describe.skipIf(reason !== '')(`PostgreSQL store${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PgCluster;
  let admin: pg.Client;
  const key_dir = keyDir();

  beforeAll(async () => {
    cluster = await startPgCluster();
    admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  }, 60_000);

  async function open(url: string, clock: { t: number }, key = 'k'): Promise<PlatformCore> {
    const store = await PgStore.open(url);
    return new PlatformCore({ store, secrets_key_file: path.join(key_dir, key), now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
  }

  it('writes what the core commits, and a restarted writer loads exactly that state', async () => {
    const url = await freshSchemaUrl(cluster.url);
    const clock = { t: T0 };
    const core = await open(url, clock, 'restart');
    const a = core.createAccount({ start_ms: T0 - PERIOD }).account_id;
    const b = core.createAccount({ start_ms: T0 - PERIOD }).account_id;
    const key = core.createApiKey(a);
    core.tick(); // mints both accounts' first periods
    const dep1 = core.deposit(a, '100', 'dep-1');
    core.deposit(b, '100');
    core.placeOrder(b, { client_order_id: 's1', side: 'sell', type: 'limit', price: '0.03', quantity: '50', time_in_force: 'GTC' });
    const fill = core.placeOrder(a, { client_order_id: 'b1', side: 'buy', type: 'limit', price: '0.03', quantity: '20', time_in_force: 'GTC' });
    expect(fill.order.status).toBe('filled');
    await core.durable();
    const before = { a: core.getBalances(a), b: core.getBalances(b), events: core.getEvents(a, 0, 100), trades: core.trades(undefined, 10), totals: core.totals(), open: core.listOrders(b, 'open', 10) };
    // PostgreSQL itself holds the rows (BIGINT, exact).
    const rows = await admin.query(`SELECT usd_total::text FROM ${schemaOf(url)}.accounts WHERE id = $1`, [a]);
    expect(rows.rows[0]).toEqual({ usd_total: dec(before.a.usd.total).mul(1_000_000).toFixed() });
    await core.close();

    const again = await open(url, clock, 'restart');
    expect({ a: again.getBalances(a), b: again.getBalances(b), events: again.getEvents(a, 0, 100), trades: again.trades(undefined, 10), totals: again.totals(), open: again.listOrders(b, 'open', 10) }).toEqual(before);
    expect(again.apiKey(key.key_id)?.secret).toBe(key.secret);
    expect(again.book.bestAsk()).toBe(300);
    again.checkInvariants();
    // Idempotency survives: the same request_id answers the first result and changes nothing.
    expect(again.deposit(a, '100', 'dep-1')).toEqual(dep1);
    expect(again.getBalances(a).usd).toEqual(before.a.usd);
    await again.close();
  });

  it('fails stop when PostgreSQL refuses a flush: the write is not confirmed, and nothing after it is served', async () => {
    const url = await freshSchemaUrl(cluster.url);
    const clock = { t: T0 };
    const core = await open(url, clock, 'failstop');
    const failures: unknown[] = [];
    (core.store as PgStore).onFailure((e) => failures.push(e));
    const a = core.createAccount().account_id;
    core.deposit(a, '10');
    await core.durable();
    // Another writer (here: by hand) took the next event seq of this account.
    const next = core.lastSeq(a) + 1;
    await admin.query(`INSERT INTO ${schemaOf(url)}.events (account_id, seq, json) VALUES ($1, $2, '{}')`, [a, next]);
    core.deposit(a, '5'); // applied to the working copy; its flush must fail on the unique key
    await expect(core.durable()).rejects.toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(failures).toHaveLength(1);
    expect(String((failures[0] as Error).message)).toMatch(/duplicate key/);
    expect(() => core.getBalances(a)).toThrow(/database write failed/);
    expect(() => core.deposit(a, '1')).toThrow(/database write failed/);
    // PostgreSQL still holds the last committed state: 10 USD, not 15.
    const r = await admin.query(`SELECT usd_total::text AS usd FROM ${schemaOf(url)}.accounts WHERE id = $1`, [a]);
    expect(r.rows[0]).toEqual({ usd: '10000000' });
    await core.close();
  });

  it('writes a flush larger than one statement whole, and not at all when any part of it fails', async () => {
    const N = MAX_ROWS_PER_STATEMENT + 1_000; // events in one flush: two statements for that table
    const okUrl = await freshSchemaUrl(cluster.url);
    const ok = await open(okUrl, { t: T0 }, 'bulk-ok');
    const a = ok.createAccount().account_id;
    for (let i = 0; i < N; i++) ok.deposit(a, '0.01');
    await ok.durable();
    const written = await admin.query<{ n: number; usd: string }>(
      `SELECT (SELECT count(*)::int FROM ${schemaOf(okUrl)}.events WHERE account_id = $1) AS n, (SELECT usd_total::text FROM ${schemaOf(okUrl)}.accounts WHERE id = $1) AS usd`,
      [a],
    );
    expect(written.rows[0]).toEqual({ n: ok.lastSeq(a), usd: String(N * 10_000) }); // 0.01 USD = 10,000 micros each
    await ok.close();

    const url = await freshSchemaUrl(cluster.url);
    const core = await open(url, { t: T0 }, 'bulk-fail');
    const b = core.createAccount().account_id;
    await core.durable();
    const first = core.lastSeq(b);
    // A row in the way of the flush's second events statement.
    await admin.query(`INSERT INTO ${schemaOf(url)}.events (account_id, seq, json) VALUES ($1, $2, '{}')`, [b, first + MAX_ROWS_PER_STATEMENT + 10]);
    for (let i = 0; i < N; i++) core.deposit(b, '0.01');
    await expect(core.durable()).rejects.toMatchObject({ code: 'store_unavailable' });
    const held = await admin.query<{ n: number; usd: string }>(
      `SELECT (SELECT count(*)::int FROM ${schemaOf(url)}.events WHERE account_id = $1) AS n, (SELECT usd_total::text FROM ${schemaOf(url)}.accounts WHERE id = $1) AS usd`,
      [b],
    );
    expect(held.rows[0]).toEqual({ n: first + 1, usd: '0' }); // the first statement's 5,000 events rolled back with the rest
    await core.close();
  }, 60_000);

  it('stops writing when the writer lock\'s session dies (another writer could start)', async () => {
    const url = await freshSchemaUrl(cluster.url);
    const core = await open(url, { t: T0 }, 'lock');
    const failures: unknown[] = [];
    (core.store as PgStore).onFailure((e) => failures.push(e));
    const killed = await admin.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = hashtext($2)::oid AND objsubid = 2`,
      [WRITER_LOCK_KEY, schemaOf(url)],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(String((failures[0] as Error).message)).toMatch(/lost the writer lock/);
    expect(() => core.createAccount()).toThrow(/database write failed/);
    await core.close();
  });

  it('never answers a signed write whose flush failed: 503, not 201, and PostgreSQL keeps the last committed state', async () => {
    const url = await freshSchemaUrl(cluster.url);
    const failures: unknown[] = [];
    const p = await startPlatform({ database_url: url, secrets_key_file: path.join(key_dir, 'http'), rate_limit: false, on_store_failure: (e) => failures.push(e) });
    try {
      const a = p.core.createAccount().account_id;
      const cred = p.core.createApiKey(a);
      p.core.deposit(a, '10');
      await p.core.durable();
      await admin.query(`INSERT INTO ${schemaOf(url)}.events (account_id, seq, json) VALUES ($1, $2, '{}')`, [a, p.core.lastSeq(a) + 1]);
      const body = JSON.stringify({ amount_usd: '5' });
      const ts = Date.now();
      const res = await fetch(`${p.url}/v1/deposits`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-api-key': cred.key_id, 'x-timestamp': String(ts), 'x-signature': sign(cred.secret, ts, 'POST', '/v1/deposits', body) },
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
      expect(failures).toHaveLength(1);
      const ticker = await fetch(`${p.url}/v1/ticker`); // reads stop too: the copy is ahead of the truth
      expect(ticker.status).toBe(503);
      const r = await admin.query(`SELECT usd_total::text AS usd FROM ${schemaOf(url)}.accounts WHERE id = $1`, [a]);
      expect(r.rows[0]).toEqual({ usd: '10000000' });
    } finally {
      await p.close();
    }
  });
});

function schemaOf(url: string): string {
  const m = /search_path%3D(\w+)/.exec(url);
  if (!m) throw new Error(`no schema in ${url}`);
  return m[1]!;
}
