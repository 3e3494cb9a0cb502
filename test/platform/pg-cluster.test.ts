// The throwaway PostgreSQL cluster the PostgreSQL tests run on (test/support/pg-cluster.ts):
// it starts on loopback as an unprivileged user, keeps money exact in numeric columns,
// enforces unique keys, and leaves nothing behind. Skipped, with the reason, without PostgreSQL.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBin, startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';

describe.skipIf(reason !== '')(`PostgreSQL test cluster${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PgCluster;
  let client: pg.Client;

  beforeAll(async () => {
    cluster = await startPgCluster();
    client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });

  it('listens on loopback only, not as a superuser process of root', async () => {
    expect(cluster.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const r = await client.query<{ addr: string }>(`SELECT inet_server_addr()::text AS addr`);
    expect(r.rows[0]!.addr).toBe('127.0.0.1/32');
  });

  it('keeps amounts exact in numeric columns and refuses a duplicate key', async () => {
    await client.query(`CREATE TABLE t (account_id text NOT NULL, request_id text NOT NULL, amount numeric(30, 8) NOT NULL, PRIMARY KEY (account_id, request_id))`);
    await client.query(`INSERT INTO t VALUES ('a', 'r1', '0.1'), ('a', 'r2', '0.2')`);
    const sum = await client.query<{ s: string }>(`SELECT sum(amount)::text AS s FROM t`);
    expect(sum.rows[0]!.s).toBe('0.30000000');
    await expect(client.query(`INSERT INTO t VALUES ('a', 'r1', '5')`)).rejects.toMatchObject({ code: '23505' });
  });

  it('removes its folder when stopped', async () => {
    const other = await startPgCluster();
    expect(existsSync(other.dir)).toBe(true);
    const probe = new pg.Client({ connectionString: other.url });
    await probe.connect();
    await probe.end();
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    await expect(new pg.Client({ connectionString: other.url, connectionTimeoutMillis: 2000 }).connect()).rejects.toThrow();
  }, 60_000);
});

it('the PostgreSQL tests know whether they can run', () => {
  expect('bin' in found ? existsSync(`${found.bin}/postgres`) : found.missing.length > 0).toBe(true);
});

const required = process.env.PLATFORM_REQUIRE_POSTGRES === '1';
it.runIf(required)(`PostgreSQL is installed where it is required (CI: the PostgreSQL suites may not be skipped)${required ? '' : ' (skipped: PLATFORM_REQUIRE_POSTGRES is not set here; .ci/run sets it)'}`, () => {
  expect(reason).toBe('');
});
