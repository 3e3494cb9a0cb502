// `verify`: re-derives every invariant from the journal itself (full scans; run on demand,
// never at start-up) and lists what is wrong.
import type Database from 'better-sqlite3';
import { integrityProblems } from '../db/open.js';
import { fromScaled } from './amounts.js';
import { OWN_ASSETS, ACCOUNTS, ACCOUNT_NAMES } from './chart.js';
import { COMMODITY_CODES, POSTING_COLUMNS, POSTING_SLOTS } from './mapping.js';

const accountName = (id: number): string => ACCOUNT_NAMES.get(id) ?? `(unknown account ${id})`;

/** Problems listed per check (the count is always exact). */
export const VERIFY_LIST_MAX = 20;

export interface VerifyProblem {
  check: 'integrity' | 'foreign_keys' | 'entry_balance' | 'sequence' | 'cursor' | 'entry_count' | 'cached_balance' | 'negative_asset' | 'reversal';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  postings: number;
  cursor_seq: number;
  quarantined: number;
  open_mismatches: number;
  problems: VerifyProblem[];
}

interface Cached {
  cursor_seq: number;
  entry_count: number;
}

export function verifyLedger(db: Database.Database, mem: Cached): VerifyReport {
  const problems: VerifyProblem[] = [];
  const add = (check: VerifyProblem['check'], message: string) => problems.push({ check, message });
  const q = (sql: string, ...args: unknown[]) => db.prepare(sql).safeIntegers(true).all(...args) as Record<string, bigint | string | null>[];
  const one = (sql: string) => db.prepare(sql).pluck().safeIntegers(true).get() as bigint | string | null;

  // The full check: quick_check skips index contents and let 4 KiB of garbage in a page pass.
  for (const p of integrityProblems(db, VERIFY_LIST_MAX)) add('integrity', `SQLite integrity_check: ${p}`);
  for (const r of db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]) {
    if (problems.length > 200) break;
    add('foreign_keys', `${r.table} row ${r.rowid} references a missing ${r.parent}`);
  }

  // 0/1/5/6/7: one pass over the journal, reading each entry's postings from its row
  // (entries.k1..a8, migration v6): well-formed slots, known accounts, at most one posting
  // per (account, commodity), each entry balanced per commodity, the replay of all
  // postings (compared with the cached balances below), reversals negating their target.
  const replay = new Map<string, bigint>();
  const reversals: { id: bigint; target: bigint; postings: Map<string, bigint> }[] = [];
  const targets = new Map<bigint, Map<string, bigint> | null>();
  let posting_count = 0;
  const counts = { integrity: 0, foreign_keys: 0, entry_balance: 0 };
  const limited = (check: keyof typeof counts, message: string) => {
    if (counts[check]++ < VERIFY_LIST_MAX) add(check, message);
  };
  const scan = db.prepare(`SELECT id, reverses, ${POSTING_COLUMNS} FROM entries`).raw(true).safeIntegers(true);
  for (const row of scan.iterate() as IterableIterator<(bigint | null)[]>) {
    const id = row[0] as bigint;
    const reverses = row[1] ?? null;
    const mine = new Map<string, bigint>();
    const sums: Record<string, bigint> = {};
    let ended = false;
    for (let n = 0; n < POSTING_SLOTS; n++) {
      const k = row[2 + 2 * n] as bigint | null;
      const a = row[3 + 2 * n] as bigint | null;
      if (k === null && a === null) {
        ended = true;
        continue;
      }
      const commodity = k === null ? undefined : COMMODITY_CODES[Number(k & 3n)];
      if (ended || k === null || a === null || a === 0n || commodity === undefined || typeof k !== 'bigint' || typeof a !== 'bigint') {
        limited('integrity', `entry ${id}: posting slot ${n + 1} is not [account × 4 + commodity, non-zero integer amount] after filled slots`);
        continue;
      }
      const account = Number(k >> 2n);
      const key = `${account}|${commodity}`;
      if (!ACCOUNT_NAMES.has(account)) limited('foreign_keys', `posting of entry ${id} references a missing account ${account}`);
      if (mine.has(key)) limited('integrity', `entry ${id} has more than one ${commodity} posting to account ${account}`);
      mine.set(key, (mine.get(key) ?? 0n) + a);
      sums[commodity] = (sums[commodity] ?? 0n) + a;
      replay.set(key, (replay.get(key) ?? 0n) + a);
      posting_count += 1;
    }
    for (const [c, sum] of Object.entries(sums)) {
      if (sum !== 0n) limited('entry_balance', `entry ${id} does not balance in ${c}: off by ${fromScaled(sum)}`);
    }
    if (reverses !== null) {
      reversals.push({ id, target: reverses, postings: mine });
      targets.set(reverses, null);
    }
    if (targets.size > 0 && targets.has(id)) targets.set(id, mine);
  }
  // Targets are older than their reversal (lower id), except in a damaged journal: fetch any not seen yet.
  for (const [target, got] of targets) {
    if (got !== null) continue;
    const row = db.prepare(`SELECT ${POSTING_COLUMNS} FROM entries WHERE id = ?`).raw(true).safeIntegers(true).get(target) as (bigint | null)[] | undefined;
    if (!row) continue;
    const m = new Map<string, bigint>();
    for (let n = 0; n < POSTING_SLOTS; n++) {
      const k = row[2 * n];
      const a = row[2 * n + 1];
      if (typeof k === 'bigint' && typeof a === 'bigint') m.set(`${Number(k >> 2n)}|${COMMODITY_CODES[Number(k & 3n)]}`, a);
    }
    targets.set(target, m);
  }
  if (one(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'postings_orphaned'`) !== 0n) {
    add('foreign_keys', `${one('SELECT COUNT(*) FROM postings_orphaned')} posting(s) of missing entries were set aside in postings_orphaned by migration 6`);
  }

  // 2. seqs 1..cursor each appear exactly once across entries and quarantine.
  const seqs = `SELECT seq FROM entries WHERE seq IS NOT NULL UNION ALL SELECT seq FROM quarantine WHERE seq IS NOT NULL`;
  const stats = q(`SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, COALESCE(MIN(seq), 0) AS lo, COALESCE(MAX(seq), 0) AS hi FROM (${seqs})`)[0] as Record<string, bigint>;
  const { n, d, lo, hi } = stats as { n: bigint; d: bigint; lo: bigint; hi: bigint };
  if (n !== d) {
    for (const r of q(`SELECT seq, COUNT(*) AS c FROM (${seqs}) GROUP BY seq HAVING c > 1 LIMIT ${VERIFY_LIST_MAX}`)) {
      add('sequence', `seq ${r.seq} is recorded ${r.c} times`);
    }
  }
  if (d > 0n && (lo !== 1n || hi !== d)) {
    if (lo !== 1n) add('sequence', `first seq is ${lo}, expected 1`);
    const gaps = q(`SELECT prev + 1 AS from_seq, seq - 1 AS to_seq FROM (SELECT seq, LAG(seq) OVER (ORDER BY seq) AS prev FROM (${seqs})) WHERE seq - prev > 1 LIMIT ${VERIFY_LIST_MAX}`);
    for (const g of gaps) add('sequence', `seqs ${g.from_seq}..${g.to_seq} are missing`);
  }

  // 3. The cursor is the highest recorded seq (persisted and in memory agree).
  const stored = q('SELECT cursor_seq, entry_count FROM sync_state WHERE id = 1')[0] as { cursor_seq: bigint; entry_count: bigint };
  if (stored.cursor_seq !== hi) add('cursor', `cursor is ${stored.cursor_seq} but the highest recorded seq is ${hi}`);
  if (BigInt(mem.cursor_seq) !== stored.cursor_seq) add('cursor', `in-memory cursor ${mem.cursor_seq} differs from stored ${stored.cursor_seq}`);

  // 4. Cached entry count.
  const entries = one('SELECT COUNT(*) FROM entries') as bigint;
  if (entries !== stored.entry_count || BigInt(mem.entry_count) !== entries) {
    add('entry_count', `entries table has ${entries}, cached count is ${stored.entry_count} (in memory ${mem.entry_count})`);
  }

  // 5. Cached balances equal a replay of the journal.
  const cached = new Map<string, bigint>();
  for (const r of q('SELECT account_id, commodity, amount FROM balances')) cached.set(`${r.account_id}|${r.commodity}`, r.amount as bigint);
  for (const key of new Set([...replay.keys(), ...cached.keys()])) {
    const a = replay.get(key) ?? 0n;
    const b = cached.get(key) ?? 0n;
    if (a !== b) {
      const [acc, c] = key.split('|');
      add('cached_balance', `${accountName(Number(acc))} ${c}: cached ${fromScaled(b)}, journal replay ${fromScaled(a)}`);
    }
  }

  // 6. Own assets are never negative.
  for (const a of OWN_ASSETS) {
    const v = replay.get(`${ACCOUNTS[a.account]}|${a.commodity}`) ?? 0n;
    if (v < 0n) add('negative_asset', `${a.account} ${a.commodity} is negative: ${fromScaled(v)}`);
  }

  // 7. A reversal negates its target exactly.
  let bad_reversals = 0;
  for (const r of reversals) {
    const t = targets.get(r.target) ?? null;
    const negates = t !== null && t.size === r.postings.size && [...r.postings].every(([key, a]) => t.get(key) === -a);
    if (!negates && bad_reversals++ < VERIFY_LIST_MAX) add('reversal', `reversal entry ${r.id} does not negate entry ${r.target}`);
  }

  const quarantined = one('SELECT COUNT(*) FROM quarantine') as bigint;
  const open_mismatches = one('SELECT COUNT(*) FROM mismatches WHERE resolved_at IS NULL') as bigint;
  return {
    ok: problems.length === 0,
    entries: Number(entries),
    postings: posting_count,
    cursor_seq: Number(stored.cursor_seq),
    quarantined: Number(quarantined),
    open_mismatches: Number(open_mismatches),
    problems,
  };
}

/** Human-readable report (CLI and logs). */
export function formatVerifyReport(
  r: VerifyReport,
  quarantined: readonly { seq: number | null; event_id: string | null; reason: string }[] = [],
  mismatches: readonly { detail: string; detected_at: string }[] = [],
): string {
  const lines = [
    `ledger: ${r.entries} entries, ${r.postings} postings, cursor at seq ${r.cursor_seq}`,
    r.ok ? 'invariants: all hold (entries balance, sequence continuous, cached balances = journal replay)' : `invariants: ${r.problems.length} problem(s)`,
    ...r.problems.map((p) => `  [${p.check}] ${p.message}`),
  ];
  if (r.quarantined > 0) {
    lines.push(`quarantined events: ${r.quarantined}`);
    for (const q of quarantined) lines.push(`  seq ${q.seq ?? '?'} ${q.event_id ?? ''}: ${q.reason}`.replace(/\s+:/, ':'));
  }
  if (r.open_mismatches > 0) {
    lines.push(`open reconciliation mismatches: ${r.open_mismatches}`);
    for (const m of mismatches) lines.push(`  ${m.detected_at}: ${m.detail}`);
  }
  return lines.join('\n') + '\n';
}
