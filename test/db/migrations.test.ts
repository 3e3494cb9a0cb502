// One migration runner for the whole wallet file (electron/services/db): every combination
// earlier apps left (ledger schema 1..6, outbox_meta 0..3, compute tables or not) reaches the
// current schema with its rows, after a verified backup; a failure puts the file back.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS } from '../../electron/services/db/migrations.js';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { WalletFileError } from '../../electron/services/db/file.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { createOrderService, type OrderTransport } from '../../electron/services/orders/index.js';
import { ComputeService } from '../../electron/services/compute/index.js';
import { LEGACY_OUTBOX_LATEST } from '../../electron/services/db/steps-v7.js';
import { tempDir } from '../ledger/helpers.js';
import { buildFixture, damageIndexCopy, FIXTURE_ORDER_ID, FIXTURE_REDEMPTION_ID } from './fixtures.js';

/** The last ledger version shipped before the one version scheme (version 7). */
const LEGACY_LEDGER_MAX = 6;
const never = () => new Promise<never>(() => {});
const idle: OrderTransport = { createOrder: never, getOrderByClientId: never, cancelOrder: never };
const tables = (db: Database.Database) => (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name`).pluck().all() as string[]).join(',');
const rows = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};
const backups = (file: string) => readdirSync(path.join(path.dirname(file), 'backups')).filter((f) => f.endsWith('.db'));

function fresh(): string {
  const file = path.join(tempDir('cw-mig-'), 'ledger.db');
  const l = openLedger({ path: file });
  l.close();
  return file;
}

describe('one migration list, one version', () => {
  it('versions run 1, 2, 3, ... and a new file has every table, without outbox_meta', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    const db = new Database(fresh(), { readonly: true });
    const names = tables(db).split(',');
    for (const t of ['entries', 'balances', 'orders', 'candles', 'trades', 'mismatches', 'order_outbox', 'outbox_pause', 'external_cancels', 'redemptions', 'subscription_cache']) expect(names).toContain(t);
    expect(names).not.toContain('outbox_meta');
    db.close();
  });

  // Every shape an earlier app could leave: each ledger version with each outbox version and with or without compute tables.
  for (let v = 1; v < LATEST_VERSION; v++) {
    // outbox_meta and the unversioned compute tables existed only beside ledger versions up to 6.
    const legacy = v <= LEGACY_LEDGER_MAX;
    for (let outbox = 0; outbox <= (legacy ? LEGACY_OUTBOX_LATEST : 0); outbox++) {
      for (const compute of legacy ? [false, true] : [false]) {
        it(`ledger v${v} + outbox v${outbox}${compute ? ' + compute' : ''} → v${LATEST_VERSION}, rows kept, backup verified`, async () => {
          const file = path.join(tempDir('cw-mig-'), 'ledger.db');
          buildFixture(file, { ledger: v, outbox, compute, events: v === LATEST_VERSION - 1 ? 50 : 0 });
          const out = await migrateWalletDb(file, { now: () => new Date('2026-02-03T04:05:06Z') });
          expect(out).toMatchObject({ from: v, to: LATEST_VERSION });
          expect(out.backup).toBe(path.join(path.dirname(file), 'backups', `ledger-v${v}-2026-02-03T04-05-06-000Z.db`));
          expect(rows(out.backup!, 'PRAGMA user_version')).toEqual([{ user_version: v }]);
          const reference = new Database(fresh(), { readonly: true });
          const ledger = openLedger({ path: file });
          try {
            expect(tables(ledger.database())).toBe(tables(reference)); // the same schema as a new file
            expect(ledger.verify().ok).toBe(true);
            const orders = createOrderService({ ledger, transport: idle, rate_limit: false });
            expect(orders.queue().map((o) => o.client_order_id)).toEqual(outbox > 0 ? [FIXTURE_ORDER_ID] : []);
            await orders.close();
            const compute_svc = new ComputeService({ db: ledger.database(), transport: { getSubscription: never, setElection: never, redeem: never }, availableTokens: () => '0' });
            expect(compute_svc.pendingTokens().toString()).toBe(compute ? '2' : '0');
            expect(compute_svc.list().map((r) => r.request_id)).toEqual(compute ? [FIXTURE_REDEMPTION_ID] : []);
            compute_svc.close();
          } finally {
            ledger.close();
            reference.close();
          }
        });
      }
    }
  }
});

describe('backup before, restore on failure', () => {
  it('a check that fails after the commit puts the verified backup back and keeps the failed file', async () => {
    const file = path.join(tempDir('cw-mig-'), 'ledger.db');
    buildFixture(file, { ledger: 5, outbox: 3, compute: true, events: 300 });
    const before = rows(file, 'SELECT * FROM entries ORDER BY id');
    const err = await migrateWalletDb(file, {
      check: () => {
        throw new Error('injected: the migrated file is not acceptable');
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalletFileError);
    expect((err as WalletFileError).problem).toBe('migration_failed');
    expect((err as Error).message).toMatch(/injected.*the verified backup .*ledger-v5-.*\.db was put back, the failed file is kept as .*ledger\.db\.failed-/);
    expect(rows(file, 'PRAGMA user_version')).toEqual([{ user_version: 5 }]);
    expect(rows(file, 'SELECT * FROM entries ORDER BY id')).toEqual(before);
    const aside = readdirSync(path.dirname(file)).filter((f) => f.startsWith('ledger.db.failed-') && !/-(wal|shm)$/.test(f));
    expect(aside).toHaveLength(1);
    expect(rows(path.join(path.dirname(file), aside[0]!), 'PRAGMA user_version')).toEqual([{ user_version: LATEST_VERSION }]);
    expect(backups(file)).toHaveLength(1);
    // The next start migrates it (a second backup, the first one kept).
    expect((await migrateWalletDb(file)).to).toBe(LATEST_VERSION);
    expect(backups(file)).toHaveLength(2);
  });

  it('a step that fails rolls the one transaction back: the file is unchanged, nothing restored', async () => {
    const file = path.join(tempDir('cw-mig-'), 'ledger.db');
    buildFixture(file, { ledger: 5, outbox: 1, events: 100 });
    const before = rows(file, 'SELECT * FROM entries ORDER BY id');
    const err = await migrateWalletDb(file, {
      fault: (p) => {
        if (p === `step ${LATEST_VERSION}`) throw new Error('injected step failure');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/injected step failure.*rolled back and the file is unchanged/);
    expect(rows(file, 'PRAGMA user_version')).toEqual([{ user_version: 5 }]); // not 6: the steps share one transaction
    expect(rows(file, 'SELECT * FROM entries ORDER BY id')).toEqual(before);
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.failed-'))).toEqual([]);
  });

  it('a damaged file is not migrated and not backed up over: clear error, bytes unchanged', async () => {
    const file = path.join(tempDir('cw-mig-'), 'ledger.db');
    buildFixture(file, { ledger: 6, outbox: 3, events: 300 });
    const event_id = (rows(file, 'SELECT event_id FROM entries WHERE seq = 150')[0] as { event_id: string }).event_id;
    damageIndexCopy(file, event_id);
    const bytes = readFileSync(file);
    await expect(migrateWalletDb(file)).rejects.toThrow(/integrity_check failed, so it was not migrated and not changed/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(path.join(path.dirname(file), 'backups'))).toBe(false);
  });

  it('a file already current is left alone (no backup)', async () => {
    const file = fresh();
    const mtime = statSync(file).mtimeMs;
    expect(await migrateWalletDb(file)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION, backup: null });
    expect(existsSync(path.join(path.dirname(file), 'backups'))).toBe(false);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });
});
