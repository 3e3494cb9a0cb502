// Row writer for ingestion. Fast mode buffers rows and inserts them with multi-row
// INSERT statements (one native call per 64 entries instead of one per row: ~1.4×
// faster). An entry row carries its postings (entries.k1..a8, see migration v6). A constraint violation in fast mode cannot be pinned on one event,
// so it throws FastPathConflict; the caller rolls the batch back and redoes it in single
// mode, where each row is inserted at once and a violation belongs to the current event.
import type Database from 'better-sqlite3';
import { FILL_UPSERT } from '../db/steps-v9.js';
import { POSTING_COLUMNS, POSTING_SLOTS, pushPostingColumns, type Posting } from './mapping.js';

export const ENTRY_ROWS_PER_INSERT = 128;
export const ORDER_ROWS_PER_INSERT = 32;
const ENTRY_COLS = 6 + 2 * POSTING_SLOTS;
export const ORDER_COLS = 11;

export class FastPathConflict extends Error {}

function isConstraint(err: unknown): boolean {
  return typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}

export interface WriterStatements {
  entryOne: Database.Statement;
  entryMany: Database.Statement;
  orderOne: Database.Statement;
  orderMany: Database.Statement;
  fill: Database.Statement;
}

export function prepareWriter(db: Database.Database): WriterStatements {
  const entry = `(?, ?, ?, ?, ?, NULL, ?${', ?'.repeat(2 * POSTING_SLOTS)})`;
  const e = `INSERT INTO entries (id, seq, event_id, type, time, reverses, data, ${POSTING_COLUMNS}) VALUES `;
  // Later rows for the same order (higher seq) update earlier ones, also within one statement.
  const o = 'INSERT INTO orders (order_id, client_order_id, status, side, order_type, price_usd, quantity, filled_quantity, reason, last_seq, updated_at) VALUES ';
  const order = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  const upsert = ` ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, price_usd = excluded.price_usd, quantity = excluded.quantity,
    filled_quantity = excluded.filled_quantity, reason = excluded.reason, last_seq = excluded.last_seq, updated_at = excluded.updated_at
    WHERE excluded.last_seq > orders.last_seq`;
  return {
    orderOne: db.prepare(o + order + upsert),
    orderMany: db.prepare(o + Array(ORDER_ROWS_PER_INSERT).fill(order).join(', ') + upsert),
    entryOne: db.prepare(e + entry),
    fill: db.prepare(FILL_UPSERT),
    entryMany: db.prepare(e + Array(ENTRY_ROWS_PER_INSERT).fill(entry).join(', ')),
  };
}

export class BatchWriter {
  private readonly entries: unknown[] = [];
  private readonly orders: unknown[] = [];

  constructor(
    private readonly st: WriterStatements,
    readonly fast: boolean,
  ) {}

  /** Single mode: throws the SQLite constraint error of this row. Fast mode: may throw FastPathConflict. */
  entry(id: number, seq: number, event_id: string, type: string, time: string, data: string, postings: readonly Posting[]): void {
    if (!this.fast) {
      const row: unknown[] = [id, seq, event_id, type, time, data];
      pushPostingColumns(row, postings);
      this.st.entryOne.run(row);
      return;
    }
    this.entries.push(id, seq, event_id, type, time, data);
    pushPostingColumns(this.entries, postings);
    if (this.entries.length === ENTRY_ROWS_PER_INSERT * ENTRY_COLS) this.guard(() => this.st.entryMany.run(this.entries), this.entries);
  }

  /** The latest state of an order (11 columns, see prepareWriter). */
  order(row: unknown[]): void {
    if (row.length !== ORDER_COLS) throw new Error(`order row has ${row.length} columns, expected ${ORDER_COLS}`);
    if (!this.fast) {
      this.st.orderOne.run(row);
      return;
    }
    this.orders.push(...row);
    if (this.orders.length === ORDER_ROWS_PER_INSERT * ORDER_COLS) this.guard(() => this.st.orderMany.run(this.orders), this.orders);
  }

  /** Adds a fill to its order's totals (an upsert: never a constraint conflict, so not buffered). */
  fill(client_order_id: string, quantity: bigint, notional: bigint, fee: bigint): void {
    this.st.fill.run(client_order_id, 1, quantity, notional, fee);
  }

  /** Writes what is buffered (the last, partial groups row by row). */
  flush(): void {
    this.guard(() => {
      for (let i = 0; i < this.entries.length; i += ENTRY_COLS) this.st.entryOne.run(this.entries.slice(i, i + ENTRY_COLS));
    }, this.entries);
    this.guard(() => {
      for (let i = 0; i < this.orders.length; i += ORDER_COLS) this.st.orderOne.run(this.orders.slice(i, i + ORDER_COLS));
    }, this.orders);
  }

  private guard(write: () => unknown, buffer: unknown[]): void {
    try {
      write();
    } catch (err) {
      if (isConstraint(err)) throw new FastPathConflict(`constraint violation in a fast-path batch: ${(err as Error).message}`);
      throw err;
    }
    buffer.length = 0;
  }
}
