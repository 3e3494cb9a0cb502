// `verify`: re-derives every invariant from the journal itself (full scans; run on demand,
// never at start-up) and lists what is wrong.
import type Database from 'better-sqlite3';
import { fromScaled } from './amounts.js';
import { OWN_ASSETS, ACCOUNTS, ACCOUNT_NAMES } from './chart.js';

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

  const integrity = db.pragma('quick_check', { simple: true });
  if (integrity !== 'ok') add('integrity', `SQLite quick_check: ${String(integrity)}`);
  for (const r of db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]) {
    if (problems.length > 200) break;
    add('foreign_keys', `${r.table} row ${r.rowid} references a missing ${r.parent}`);
  }

  // 0. The postings stored in each entry row (entries.postings, migration v6) are well-formed:
  // a JSON array of [account_id integer, commodity, non-zero integer amount], at most one
  // per (account, commodity); they reference existing accounts.
  const malformed = q(`SELECT id FROM entries WHERE postings IS NOT NULL AND (json_valid(postings) = 0 OR json_type(postings) != 'array') LIMIT ${VERIFY_LIST_MAX}`);
  for (const r of malformed) add('integrity', `entry ${r.id}: postings are not a JSON array`);
  if (malformed.length > 0) {
    // The journal cannot be read as postings; the checks below would fail on it.
    return { ok: false, entries: Number(one('SELECT COUNT(*) FROM entries')), postings: 0, cursor_seq: mem.cursor_seq, quarantined: 0, open_mismatches: 0, problems };
  }
  for (const r of q(`SELECT e.id FROM entries e, json_each(e.postings) j WHERE json_type(j.value) != 'array' OR json_array_length(j.value) != 3
      OR json_type(j.value, '$[0]') != 'integer' OR json_type(j.value, '$[2]') != 'integer' OR j.value ->> 2 = 0
      OR j.value ->> 1 NOT IN ('USD', 'TOKEN', 'CREDIT') LIMIT ${VERIFY_LIST_MAX}`)) {
    add('integrity', `entry ${r.id}: a posting is not [account_id, commodity, non-zero integer amount]`);
  }
  for (const r of q(`SELECT entry_id, account_id, commodity FROM postings GROUP BY entry_id, account_id, commodity HAVING COUNT(*) > 1 LIMIT ${VERIFY_LIST_MAX}`)) {
    add('integrity', `entry ${r.entry_id} has more than one ${r.commodity} posting to account ${r.account_id}`);
  }
  for (const r of q(`SELECT p.entry_id, p.account_id FROM postings p LEFT JOIN accounts a ON a.id = p.account_id WHERE a.id IS NULL LIMIT ${VERIFY_LIST_MAX}`)) {
    add('foreign_keys', `posting of entry ${r.entry_id} references a missing account ${r.account_id}`);
  }
  if (one(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'postings_orphaned'`) !== 0n) {
    add('foreign_keys', `${one('SELECT COUNT(*) FROM postings_orphaned')} posting(s) of missing entries were set aside in postings_orphaned by migration 6`);
  }

  // 1. Every entry balances per commodity.
  for (const r of q(`SELECT entry_id, commodity, SUM(amount) AS s FROM postings GROUP BY entry_id, commodity HAVING s != 0 LIMIT ${VERIFY_LIST_MAX}`)) {
    add('entry_balance', `entry ${r.entry_id} does not balance in ${r.commodity}: off by ${fromScaled(r.s as bigint)}`);
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
  const replay = new Map<string, bigint>();
  for (const r of q('SELECT account_id, commodity, SUM(amount) AS s FROM postings GROUP BY account_id, commodity')) {
    replay.set(`${r.account_id}|${r.commodity}`, r.s as bigint);
  }
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
  for (const r of q(`SELECT e.id AS id, e.reverses AS target FROM entries e WHERE e.reverses IS NOT NULL AND EXISTS (
      SELECT 1 FROM postings p LEFT JOIN postings t ON t.entry_id = e.reverses AND t.account_id = p.account_id AND t.commodity = p.commodity
      WHERE p.entry_id = e.id AND (t.amount IS NULL OR t.amount != -p.amount)) LIMIT ${VERIFY_LIST_MAX}`)) {
    add('reversal', `reversal entry ${r.id} does not negate entry ${r.target}`);
  }

  const postings = one('SELECT COUNT(*) FROM postings') as bigint;
  const quarantined = one('SELECT COUNT(*) FROM quarantine') as bigint;
  const open_mismatches = one('SELECT COUNT(*) FROM mismatches WHERE resolved_at IS NULL') as bigint;
  return {
    ok: problems.length === 0,
    entries: Number(entries),
    postings: Number(postings),
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
