// Reconciliation: the ledger's own balances against the platform's, at the same seq. A
// difference is kept as a mismatch row (never overwritten); a later agreement resolves it.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { Balances } from '../../../shared/platform/events.js';
import { fromScaled, toScaled, type Commodity } from './amounts.js';
import type { ACCOUNTS } from './chart.js';

export interface Mismatch {
  id: number;
  detected_at: string;
  as_of_seq: number;
  account: string;
  commodity: Commodity;
  local_amount: string;
  platform_amount: string;
  detail: string;
  resolved_at: string | null;
}

export interface ReconcileResult {
  /** False when the platform's balances are not as of our cursor (nothing compared). */
  compared: boolean;
  open_mismatches: Mismatch[];
}

/** What the comparison needs of the ledger: its cursor and its balances. */
export interface ReconcileAt {
  cursor_seq: number;
  local(account: keyof typeof ACCOUNTS, commodity: Commodity): bigint;
  log: Logger | undefined;
  now: string;
}

/**
 * Compares the ledger's balances with the platform's (only when they are as of the ledger's
 * cursor). A difference is stored as a mismatch and kept; a later match marks it resolved.
 */
export function reconcileBalances(db: Database.Database, platform: Balances, at: ReconcileAt): ReconcileResult {
  const p = Balances.parse(platform);
  if (p.as_of_seq !== at.cursor_seq) return { compared: false, open_mismatches: listMismatches(db, true) };
  const pairs: { account: keyof typeof ACCOUNTS; commodity: Commodity; platform: string }[] = [
    { account: 'assets:exchange:usd', commodity: 'USD', platform: p.usd.total },
    { account: 'assets:exchange:token', commodity: 'TOKEN', platform: p.token.total },
    { account: 'assets:credits', commodity: 'CREDIT', platform: p.credits.available },
  ];
  const open = db.prepare(
    'SELECT local_amount, platform_amount FROM mismatches WHERE account = ? AND commodity = ? AND resolved_at IS NULL',
  );
  const insert = db.prepare(
    'INSERT INTO mismatches (detected_at, as_of_seq, account, commodity, local_amount, platform_amount, detail, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
  );
  const resolve = db.prepare('UPDATE mismatches SET resolved_at = ? WHERE account = ? AND commodity = ? AND resolved_at IS NULL');
  db.transaction(() => {
    for (const pair of pairs) {
      const local = at.local(pair.account, pair.commodity);
      let remote: bigint | null = null;
      try {
        remote = toScaled(pair.platform);
      } catch {
        remote = null;
      }
      if (remote === local) {
        resolve.run(at.now, pair.account, pair.commodity);
        continue;
      }
      const local_text = fromScaled(local);
      const existing = open.all(pair.account, pair.commodity) as { local_amount: string; platform_amount: string }[];
      if (existing.some((m) => m.local_amount === local_text && m.platform_amount === pair.platform)) continue;
      const diff = remote === null ? 'platform amount not representable' : `platform − local = ${fromScaled(remote - local)}`;
      insert.run(at.now, p.as_of_seq, pair.account, pair.commodity, local_text, pair.platform,
        `${pair.commodity} balance of ${pair.account} differs at seq ${p.as_of_seq}: local ${local_text}, platform ${pair.platform} (${diff})`);
      at.log?.warn({ account: pair.account, commodity: pair.commodity, local: local_text, platform: pair.platform }, 'ledger: reconciliation mismatch');
    }
  }).immediate();
  return { compared: true, open_mismatches: listMismatches(db, true) };
}

export function openMismatchCount(db: Database.Database): number {
  return db.prepare('SELECT COUNT(*) FROM mismatches WHERE resolved_at IS NULL').pluck().get() as number;
}

export function listMismatches(db: Database.Database, open_only = false): Mismatch[] {
  const sql = `SELECT * FROM mismatches ${open_only ? 'WHERE resolved_at IS NULL' : ''} ORDER BY id DESC LIMIT 1000`;
  return db.prepare(sql).all() as Mismatch[];
}
