// The write-behind journal of the PostgreSQL engine (store-pg.ts): what the synchronous
// working copy changed since the last flush, compiled into a few multi-row statements
// (one per table, rows passed as arrays and expanded by unnest), written in ONE PostgreSQL
// transaction. A flush costs a round trip per touched table, not per row or per call.
//
// Two kinds of entries:
// - rows that are only ever inserted (events, trades, API keys, idempotency keys, replay
//   signatures) carry their values and are written with a plain INSERT: a duplicate key in
//   PostgreSQL (another writer got there first) aborts the flush, so what must happen once is
//   enforced by the database, not only by this process;
// - rows that change (accounts, orders, periods, candles, totals, meta, plans) are marked
//   dirty, and the flush upserts their state as the working copy holds it when the flush is
//   cut. That is exact because the cut happens between transactions (the core is
//   synchronous), so the working copy then equals the journal's end state.
import type Database from 'better-sqlite3';
import { assert } from './units.js';

export type JournalOp =
  | { t: 'meta'; key: string }
  | { t: 'plan'; id: string }
  | { t: 'account'; id: string }
  | { t: 'period'; id: string }
  | { t: 'order'; num: number }
  | { t: 'candle'; interval: string; bucket_s: number }
  | { t: 'totals' }
  | { t: 'api_key'; row: [key_id: string, account_id: string, secret: string, created_ms: number] }
  | { t: 'event'; row: [account_id: string, seq: number, json: string] }
  | { t: 'trade'; row: [num: number, time_ms: number, price_ticks: number, qty_lots: number, taker_side: string, maker_order: number | null, taker_order: number | null] }
  | { t: 'request'; row: [account_id: string, request_id: string, kind: string, body: string, response: string, created_ms: number] }
  | { t: 'signature'; row: [timestamp_ms: number, signature: Buffer] }
  | { t: 'prune_requests'; before_ms: number }
  | { t: 'prune_signatures'; before_ms: number };

export interface Statement {
  text: string;
  values: unknown[];
}

interface TableSpec {
  table: string;
  /** Column name and PostgreSQL type, in the order rows carry them. */
  cols: [string, string][];
  /** Conflict target of an upsert; absent for insert-only rows (a conflict fails the flush). */
  key?: string[];
  /** Columns an upsert overwrites; empty = DO NOTHING. */
  update?: string[];
  /** Columns a dirty mark names the row by, when not the conflict key (accounts: id). */
  lookup?: string[];
}

const SPECS = {
  meta: { table: 'meta', cols: [['key', 'text'], ['value', 'text']], key: ['key'], update: ['value'] },
  plans: {
    table: 'plans',
    cols: [['id', 'text'], ['name', 'text'], ['price_usd', 'text'], ['credits', 'text'], ['min_charge_usd', 'text']],
    key: ['id'],
    update: [],
  },
  accounts: {
    table: 'accounts',
    cols: [['num', 'bigint'], ['id', 'text'], ['kind', 'text'], ['plan_id', 'text'], ['created_ms', 'bigint'], ['usd_total', 'bigint'], ['usd_reserved', 'bigint'], ['tok_total', 'bigint'], ['tok_reserved', 'bigint']],
    key: ['num'],
    update: ['usd_total', 'usd_reserved', 'tok_total', 'tok_reserved'],
    lookup: ['id'],
  },
  api_keys: { table: 'api_keys', cols: [['key_id', 'text'], ['account_id', 'text'], ['secret', 'text'], ['created_ms', 'bigint']] },
  periods: {
    table: 'periods',
    cols: [
      ['id', 'text'], ['account_id', 'text'], ['idx', 'bigint'], ['starts_ms', 'bigint'], ['ends_ms', 'bigint'], ['price_usd', 'text'], ['credits_lots', 'bigint'],
      ['used_lots', 'bigint'], ['redeemed_lots', 'bigint'], ['face_value_usd', 'text'], ['election', 'text'], ['status', 'text'], ['unused_lots', 'bigint'],
    ],
    key: ['id'],
    update: ['used_lots', 'redeemed_lots', 'election', 'status', 'unused_lots'],
  },
  orders: {
    table: 'orders',
    cols: [
      ['num', 'bigint'], ['account_id', 'text'], ['client_order_id', 'text'], ['request_hash', 'text'], ['side', 'text'], ['type', 'text'], ['price_ticks', 'bigint'],
      ['protection_ticks', 'bigint'], ['qty_lots', 'bigint'], ['filled_lots', 'bigint'], ['notional_micros', 'bigint'], ['fees_micros', 'bigint'],
      ['reserved_micros', 'bigint'], ['reserved_lots', 'bigint'], ['tif', 'text'], ['expire_ms', 'bigint'], ['post_only', 'bigint'], ['status', 'text'],
      ['reason', 'text'], ['created_ms', 'bigint'], ['updated_ms', 'bigint'],
    ],
    key: ['num'],
    update: ['filled_lots', 'notional_micros', 'fees_micros', 'reserved_micros', 'reserved_lots', 'status', 'reason', 'updated_ms'],
  },
  trades: {
    table: 'trades',
    cols: [['num', 'bigint'], ['time_ms', 'bigint'], ['price_ticks', 'bigint'], ['qty_lots', 'bigint'], ['taker_side', 'text'], ['maker_order', 'bigint'], ['taker_order', 'bigint']],
  },
  candles: {
    table: 'candles',
    cols: [['interval', 'text'], ['bucket_s', 'bigint'], ['open_ticks', 'bigint'], ['high_ticks', 'bigint'], ['low_ticks', 'bigint'], ['close_ticks', 'bigint'], ['volume_lots', 'bigint']],
    key: ['interval', 'bucket_s'],
    update: ['open_ticks', 'high_ticks', 'low_ticks', 'close_ticks', 'volume_lots'],
  },
  events: { table: 'events', cols: [['account_id', 'text'], ['seq', 'bigint'], ['json', 'text']] },
  totals: {
    table: 'totals',
    cols: [['id', 'bigint'], ['deposits_micros', 'bigint'], ['withdrawals_micros', 'bigint'], ['fees_micros', 'bigint'], ['minted_lots', 'bigint'], ['redeemed_lots', 'bigint']],
    key: ['id'],
    update: ['deposits_micros', 'withdrawals_micros', 'fees_micros', 'minted_lots', 'redeemed_lots'],
  },
  request_ids: {
    table: 'request_ids',
    cols: [['account_id', 'text'], ['request_id', 'text'], ['kind', 'text'], ['body', 'text'], ['response', 'text'], ['created_ms', 'bigint']],
  },
  seen_signatures: { table: 'seen_signatures', cols: [['timestamp_ms', 'bigint'], ['signature', 'bytea']] },
} satisfies Record<string, TableSpec>;

/** Tables in the order a flush writes them (parents before rows that reference them). */
export const TABLE_ORDER = Object.keys(SPECS) as (keyof typeof SPECS)[];

/** The columns of each table as the working copy and PostgreSQL both hold them. */
export function tableColumns(table: keyof typeof SPECS): string[] {
  return SPECS[table].cols.map((c) => c[0]);
}

/** One multi-row INSERT of a table, its column arrays numbered from $first. */
function multiRow(spec: TableSpec, rows: unknown[][], first: number): Statement {
  const names = spec.cols.map((c) => c[0]);
  const arrays = spec.cols.map((_, i) => rows.map((r) => r[i]));
  let text = `INSERT INTO ${spec.table} (${names.join(', ')}) SELECT * FROM unnest(${spec.cols.map((c, i) => `$${first + i}::${c[1]}[]`).join(', ')})`;
  if (spec.key) {
    text += ` ON CONFLICT (${spec.key.join(', ')}) DO `;
    text += spec.update && spec.update.length > 0 ? `UPDATE SET ${spec.update.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'NOTHING';
  }
  return { text, values: arrays };
}

/** Rows one statement writes to one table at most (larger flushes take several statements). */
export const MAX_ROWS_PER_STATEMENT = 5_000;

/** Prepared statements of the working copy, by SQL text (a flush reads with the same few). */
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepare(db: Database.Database, sql: string): Database.Statement {
  let m = prepared.get(db);
  if (!m) prepared.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * The statements of one flush, reading dirty rows' current state from the working copy:
 * the prunes (rare: every few seconds), then ONE statement writing every table, each
 * table's multi-row INSERT a data-modifying CTE. One statement is one round trip, and is
 * atomic by itself; foreign keys are checked at its end, after all the CTEs. No two CTEs
 * touch the same table, so none depends on another's effects.
 * With `notify_channel`, a flush that writes events also sends pg_notify(channel,
 * current_schema()) in the same statement (or transaction): PostgreSQL delivers it at the
 * commit, to the read API processes that LISTEN, at no extra round trip.
 */
export function compileJournal(db: Database.Database, ops: JournalOp[], notify_channel?: string): Statement[] {
  const dirty = new Map<keyof typeof SPECS, Map<string, unknown[]>>();
  const inserts = new Map<keyof typeof SPECS, unknown[][]>();
  const markDirty = (table: keyof typeof SPECS, key: string, keyValues: unknown[]) => {
    let m = dirty.get(table);
    if (!m) dirty.set(table, (m = new Map()));
    m.set(key, keyValues);
  };
  const add = (table: keyof typeof SPECS, row: unknown[]) => {
    let l = inserts.get(table);
    if (!l) inserts.set(table, (l = []));
    l.push(row);
  };
  // Keys that are pruned can come back (a request_id reused after its retention): the last
  // use wins, and only rows the working copy still holds are written.
  const requests = new Map<string, Extract<JournalOp, { t: 'request' }>['row']>();
  const signatures = new Map<string, Extract<JournalOp, { t: 'signature' }>['row']>();
  let prune_requests = -Infinity;
  let prune_signatures = -Infinity;
  for (const op of ops) {
    switch (op.t) {
      case 'meta': markDirty('meta', op.key, [op.key]); break;
      case 'plan': markDirty('plans', op.id, [op.id]); break;
      case 'account': markDirty('accounts', op.id, [op.id]); break;
      case 'period': markDirty('periods', op.id, [op.id]); break;
      case 'order': markDirty('orders', String(op.num), [op.num]); break;
      case 'candle': markDirty('candles', `${op.interval}/${op.bucket_s}`, [op.interval, op.bucket_s]); break;
      case 'totals': markDirty('totals', '1', [1]); break;
      case 'api_key': add('api_keys', op.row); break;
      case 'event': add('events', op.row); break;
      case 'trade': add('trades', op.row); break;
      case 'request': requests.set(`${op.row[0]}/${op.row[1]}`, op.row); break;
      case 'signature': signatures.set(`${op.row[0]}/${op.row[1].toString('hex')}`, op.row); break;
      case 'prune_requests': prune_requests = Math.max(prune_requests, op.before_ms); break;
      case 'prune_signatures': prune_signatures = Math.max(prune_signatures, op.before_ms); break;
    }
  }
  const heldRequest = prepare(db, `SELECT 1 FROM request_ids WHERE account_id = ? AND request_id = ? AND created_ms = ?`).pluck();
  for (const r of requests.values()) if (heldRequest.get(r[0], r[1], r[5]) !== undefined) add('request_ids', r);
  const heldSignature = prepare(db, `SELECT 1 FROM seen_signatures WHERE timestamp_ms = ? AND signature = ?`).pluck();
  for (const r of signatures.values()) if (heldSignature.get(r[0], r[1]) !== undefined) add('seen_signatures', r);
  const notify = notify_channel !== undefined && inserts.has('events') ? `pg_notify('${notify_channel}', current_schema())` : null;
  assert(notify_channel === undefined || /^[a-z_]+$/.test(notify_channel), 'a plain channel name');
  const out: Statement[] = [];
  // Prunes go first: a key pruned and then used again in the same flush must not collide
  // with its old row. Rows written are never older than the cutoffs (they survived them).
  if (prune_requests > -Infinity) out.push({ text: `DELETE FROM request_ids WHERE created_ms < $1`, values: [prune_requests] });
  if (prune_signatures > -Infinity) out.push({ text: `DELETE FROM seen_signatures WHERE timestamp_ms < $1`, values: [prune_signatures] });
  const tables: [TableSpec, unknown[][]][] = [];
  for (const table of TABLE_ORDER) {
    const spec: TableSpec = SPECS[table];
    const rows: unknown[][] = [...(inserts.get(table) ?? [])];
    const keys = dirty.get(table);
    if (keys && keys.size > 0) {
      assert(spec.key, `dirty rows of insert-only table ${table}`);
      const select = prepare(db, `SELECT ${tableColumns(table).join(', ')} FROM ${table} WHERE ${(spec.lookup ?? spec.key).map((k) => `${k} = ?`).join(' AND ')}`).raw();
      for (const keyValues of keys.values()) {
        // A row made in a savepoint that was rolled back has no state to write (and PostgreSQL never had it).
        const row = select.get(...keyValues) as unknown[] | undefined;
        if (row) rows.push(row);
      }
    }
    if (rows.length > 0) tables.push([spec, rows]);
  }
  if (tables.every(([, rows]) => rows.length <= MAX_ROWS_PER_STATEMENT)) {
    const writes: Statement[] = [];
    let params = 1;
    for (const [spec, rows] of tables) {
      writes.push(multiRow(spec, rows, params));
      params += spec.cols.length;
    }
    const last = notify === null ? 'SELECT 1' : `SELECT ${notify}`;
    if (writes.length === 1 && notify === null) out.push(writes[0]!);
    else if (writes.length > 0) out.push({ text: `WITH ${writes.map((w, i) => `w${i} AS (${w.text})`).join(', ')} ${last}`, values: writes.flatMap((w) => w.values) });
    return out;
  }
  // A large flush (a bulk seed, a long stall): one statement per table and chunk, in table
  // order (parents first), so each statement stays bounded; the store runs them in one
  // transaction, so the flush is still all or nothing.
  for (const [spec, rows] of tables) {
    for (let i = 0; i < rows.length; i += MAX_ROWS_PER_STATEMENT) out.push(multiRow(spec, rows.slice(i, i + MAX_ROWS_PER_STATEMENT), 1));
  }
  if (notify !== null) out.push({ text: `SELECT ${notify}`, values: [] });
  return out;
}
