// `npm run platform -- --db postgres://… --seed-demo --simulate` serves a moving market from
// PostgreSQL, DATABASE_URL chooses the engine when --db is absent, and a bad connection
// string is refused with a clear error. Skipped, with the reason, without PostgreSQL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/platform-cli.js';
import { rig, until as waitFor } from '../sync/helpers.js';
import { findPgBin } from '../support/pg-cluster.js';
import { freshSchemaUrl, pgCluster, keyDir } from '../support/engines.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';

it('refuses a connection string it cannot use, saying why', async () => {
  const bad = cli(['--db', 'postgres://user@127.0.0.1:5432', '--port', '0']);
  expect(await bad.out).toMatch(/names no database/);
  expect(bad.child.exitCode).toBe(1);
  const other = cli(['--db', 'mysql://h/db', '--port', '0']);
  expect(await other.out).toMatch(/mysql:\/\/… is not supported/);
}, 60_000);

describe.skipIf(reason !== '')(`platform CLI on PostgreSQL${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const dir = keyDir();

  it('serves a moving demo market from PostgreSQL (--db), and DATABASE_URL reopens it', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const creds = path.join(dir, 'demo.json');
    const key = path.join(dir, 'secrets-key');
    const run = cli(['--db', url, '--secrets-key', key, '--port', '0', '--seed-demo', '--simulate', '--credentials-out', creds, '--no-rate-limit']);
    const base = await run.listening;
    const trades = async () => ((await (await fetch(`${base}/v1/trades?limit=1000`)).json()) as { trades: { num: number }[] }).trades;
    const first = await trades();
    expect(first.length).toBeGreaterThan(0);
    const until = Date.now() + 20_000;
    let later = first;
    while (later[0]!.num === first[0]!.num && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 300));
      later = await trades();
    }
    expect(later[0]!.num).toBeGreaterThan(first[0]!.num); // the simulator trades
    // ... and the trades are in PostgreSQL, not only in the process.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const n = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM trades WHERE num <= $1`, [later[0]!.num]);
    await c.end();
    expect(n.rows[0]!.n).toBeGreaterThanOrEqual(later.length);
    const account_id = (JSON.parse(readFileSync(creds, 'utf8')) as { account_id: string }).account_id;
    run.child.kill('SIGTERM');
    await run.out;

    // DATABASE_URL, no --db: the same database, the demo account already there (seeded once).
    const again = cli(['--secrets-key', key, '--port', '0', '--seed-demo'], { DATABASE_URL: url });
    const base2 = await again.listening;
    const ticker = (await (await fetch(`${base2}/v1/ticker`)).json()) as { last: string | null };
    expect(ticker.last).not.toBeNull();
    again.child.kill('SIGTERM');
    expect(await again.out).toContain(`demo account ${account_id}`);
  }, 90_000);
  it('the wallet syncs with a moving demo market on PostgreSQL, straight from the writer and through a reader', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const creds = path.join(dir, 'demo-sync.json');
    const key = path.join(dir, 'secrets-key-sync');
    const writer = cli(['--db', url, '--secrets-key', key, '--port', '0', '--seed-demo', '--simulate', '--credentials-out', creds, '--no-rate-limit']);
    const writerUrl = await writer.listening;
    const reader = cli(['--db', url, '--writer-url', writerUrl, '--secrets-key', key, '--port', '0', '--no-rate-limit']);
    const readerUrl = await reader.listening;
    const credentials = JSON.parse(readFileSync(creds, 'utf8')) as { key_id: string; secret: string };
    for (const base of [writerUrl, readerUrl]) {
      const r = rig(base, credentials, path.join(dir, `ledger-${base === writerUrl ? 'writer' : 'reader'}.db`), {}, 5000);
      try {
        r.engine.start();
        expect(await r.engine.whenSynced(20_000), base).toMatchObject({ state: 'online', events_behind: 0, last_error: null, open_mismatches: 0 });
        const balances = await r.client.getBalances();
        expect(balances.as_of_seq).toBe(r.ledger.cursorSeq());
        expect(r.ledger.walletBalances()).toMatchObject({ usd: balances.usd.total, token: balances.token.total });
        // A live event (the deposit is forwarded to the writer; on the reader the event comes back from PostgreSQL).
        const before = r.ledger.cursorSeq();
        await r.client.deposit({ amount_usd: '1.25' });
        await waitFor(() => r.ledger.cursorSeq() > before, 10_000, `the live deposit event via ${base}`);
        expect(r.ledger.recentEntries(1)[0]?.type).toBe('deposit');
        expect(r.ledger.candles('1m').length).toBeGreaterThan(0); // the simulated market, cached
      } finally {
        await r.close();
      }
    }
    reader.child.kill('SIGTERM');
    writer.child.kill('SIGTERM');
    await Promise.all([reader.out, writer.out]);
  }, 120_000);
});
