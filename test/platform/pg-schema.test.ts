// The platform schema on PostgreSQL (schema.ts, one definition for both engines): the
// migration is safe to run from several processes at once, amounts are integers, and the
// database itself refuses a second event seq, order id, idempotency key or replayed
// signature, and a reservation above the balance. Skipped, with the reason, without PostgreSQL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres } from '../../platform/core/pg-connect.js';
import { SCHEMA_VERSION } from '../../platform/core/schema.js';
import { findPgBin, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';

describe.skipIf(reason !== '')(`platform schema on PostgreSQL${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PgCluster;
  let pools: pg.Pool[];

  beforeAll(async () => {
    cluster = await startPgCluster();
    pools = [0, 1, 2].map(() => {
      const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
      // An idle client told the server is shutting down (57P01) is emitted on the pool; pg's
      // docs ask for a listener, else it is an uncaught exception. Anything else fails the run.
      pool.on('error', (err: Error & { code?: string }) => {
        if (err.code !== '57P01') throw err;
      });
      return pool;
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of pools ?? []) await p.end();
    await cluster?.stop();
  }, 60_000);

  it('migrates once when three processes start together, and again is a no-op', async () => {
    await Promise.all(pools.map((p) => migratePostgres(p)));
    await migratePostgres(pools[0]!);
    const v = await pools[0]!.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    expect(v.rows).toEqual([{ value: String(SCHEMA_VERSION) }]);
    const totals = await pools[0]!.query(`SELECT count(*)::int AS n FROM totals`);
    expect(totals.rows[0]).toEqual({ n: 1 });
  });

  it('stores no amount in floating point', async () => {
    const r = await pools[0]!.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')`,
    );
    expect(r.rows).toEqual([]);
    const micros = await pools[0]!.query<{ data_type: string }>(
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'usd_total'`,
    );
    expect(micros.rows[0]!.data_type).toBe('bigint');
  });

  it('refuses a duplicate event seq, client_order_id, request_id and signature, and an over-reservation', async () => {
    const db = pools[1]!;
    await db.query(`INSERT INTO plans (id, name, price_usd, credits, min_charge_usd) VALUES ('standard', 'Standard', '20', '1000', '0.01')`);
    const acc = await db.query<{ num: string }>(`INSERT INTO accounts (id, kind, plan_id, created_ms) VALUES ('acc_x', 'user', 'standard', 1) RETURNING num`);
    expect(Number(acc.rows[0]!.num)).toBeGreaterThan(0);
    await db.query(`INSERT INTO events (account_id, seq, json) VALUES ('acc_x', 1, '{}')`);
    await expect(db.query(`INSERT INTO events (account_id, seq, json) VALUES ('acc_x', 1, '{}')`)).rejects.toMatchObject({ code: '23505' });
    const order = `INSERT INTO orders (num, account_id, client_order_id, request_hash, side, type, price_ticks, qty_lots, tif, post_only, status, created_ms, updated_ms)
      VALUES ($1, 'acc_x', 'c-1', 'h', 'buy', 'limit', 100, 1, 'GTC', 0, 'open', 1, 1) RETURNING id`;
    expect((await db.query(order, [7])).rows[0]).toEqual({ id: 'ord_7' });
    await expect(db.query(order, [8])).rejects.toMatchObject({ code: '23505' });
    const req = `INSERT INTO request_ids (account_id, request_id, kind, body, response, created_ms) VALUES ('acc_x', 'r-1', 'deposit', '{}', '{}', 1)`;
    await db.query(req);
    await expect(db.query(req)).rejects.toMatchObject({ code: '23505' });
    const sig = `INSERT INTO seen_signatures (timestamp_ms, signature) VALUES (1, '\\xdeadbeef'::bytea)`;
    await db.query(sig);
    await expect(db.query(sig)).rejects.toMatchObject({ code: '23505' });
    await expect(db.query(`UPDATE accounts SET usd_reserved = usd_total + 1 WHERE id = 'acc_x'`)).rejects.toMatchObject({ code: '23514' });
  });
});
