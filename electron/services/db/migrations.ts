// The one migration list of the wallet's SQLite file, for every table in it: the ledger's
// journal and order events, the market data cache, the order outbox, the compute tables.
// `PRAGMA user_version` is the number of migrations applied (one version scheme). Pending
// migrations run in ONE transaction, so a crash leaves the file at the old or the new
// version, never in between. Never edit a shipped migration: append one here.
//
// Tables and the module that owns them (others reach the data through that module's API):
//   ledger (electron/services/ledger): accounts, entries, postings (view), balances,
//     sync_state, quarantine, orders (order events), order_fills, mismatches, candles, trades (market cache)
//   orders (electron/services/orders): order_outbox, outbox_pause, external_cancels
//   compute (electron/services/compute): subscription_cache, redemptions
//   stranded work of archived ledgers (electron/app/stranded.ts): stranded, stranded_sources
import type Database from 'better-sqlite3';
import { LEDGER_STEPS, type Migration } from './steps-ledger.js';
import { STEP_7 } from './steps-v7.js';
import { STEP_8 } from './steps-v8.js';
import { STEP_9 } from './steps-v9.js';
import { STEP_10 } from './steps-v10.js';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [...LEDGER_STEPS, STEP_7, STEP_8, STEP_9, STEP_10];
export const LATEST_VERSION = MIGRATIONS.length;
MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}; versions must be 1, 2, 3, ...`);
});

export function schemaVersion(db: Database.Database): number {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (!Number.isInteger(v) || v < 0) throw new Error(`bad user_version ${String(v)}`);
  return v;
}

export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
}

/**
 * Applies the migrations after the file's version up to `target` (default: all), all in one
 * transaction. Returns the version before. `on_step` runs after each step, inside the
 * transaction (fault injection for the crash tests).
 */
export function migrate(db: Database.Database, target: number = LATEST_VERSION, on_step?: (version: number) => void): number {
  const from = schemaVersion(db);
  if (from > LATEST_VERSION) throw new NewerSchemaError(`schema version ${from} is newer than this app (${LATEST_VERSION}); update the app`);
  if (from >= target) return from;
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      on_step?.(m.version);
    }
  }).immediate();
  return from;
}

/** For services given a connection: the tables they use exist only at the current version. */
export function assertCurrentSchema(db: Database.Database, who: string): void {
  const v = schemaVersion(db);
  if (v !== LATEST_VERSION) throw new Error(`${who}: the database is at schema version ${v}, not ${LATEST_VERSION}; open it through electron/services/db (which migrates it)`);
}
