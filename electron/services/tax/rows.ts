// Compact storage of 8949 rows: typed arrays instead of one object per row, so a year of a
// million transactions does not keep half a million row objects (and their strings) alive.
// Rows become Form8949Row objects only when read (writers read them one at a time).
import { formatISODate } from './dates.js';
import { formatCentsN, formatQtyN } from './fixed.js';
import type { EvStore } from './prepare.js';
import type { Box, Form8949Row, LotMethod } from './types.js';

const METHOD_CODES: LotMethod[] = ['fifo', 'lifo', 'hifo', 'specific'];

/** What the 8949 / TXF / TurboTax lines need of a row; dates already MM/DD/YYYY. */
export interface PrintableRow {
  part: 'I' | 'II';
  box: Box;
  long: boolean;
  description: string;
  acquired: string;
  sold: string;
  proceeds: string;
  cost: string;
  wash: boolean;
  adjustment: string;
  gain: string;
  /** Cost minus the wash-sale adjustment ('' without one), for the TurboTax file. */
  costNetOfWash: string;
}
/** A row's numbers (quantity in 1e-8 token, money in cents, days since the epoch). */
export interface RowNumbers {
  long: boolean;
  wash: boolean;
  qty: number;
  basis: number;
  proceeds: number;
  adjustment: number;
  holdDay: number;
  soldDay: number;
}
const FLAG_LONG = 1;
const FLAG_WASH = 2;
/**
 * Rows are stored in chunks of 65,536: a table never copies itself to grow. Why: doubling
 * flat columns up to 1.4 M rows (wash sales on, synthetic 1M year) allocated and copied twice
 * the final size, and each large new column counts towards V8's external-memory limit, which
 * forces full GCs of the whole heap (profiled: several per run, ~60-90 ms each).
 */
export const CHUNK_SHIFT = 16;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_ROWS - 1;

/** A typed column on a SharedArrayBuffer: the row-file worker (row-files.ts) reads it without a copy. */
function shared<T>(make: (b: SharedArrayBuffer) => T, bytesPerRow: number): T {
  return make(new SharedArrayBuffer(CHUNK_ROWS * bytesPerRow));
}

class RowChunk implements RowChunkColumns {
  /** Event indices of the disposal and of the lot's acquisition. */
  readonly disposal = shared((b) => new Int32Array(b), 4);
  readonly lot = new Int32Array(CHUNK_ROWS);
  readonly qty = shared((b) => new Float64Array(b), 8);
  readonly basis = shared((b) => new Float64Array(b), 8);
  readonly proceeds = shared((b) => new Float64Array(b), 8);
  readonly adjustment = shared((b) => new Float64Array(b), 8);
  readonly holdDay = shared((b) => new Int32Array(b), 4);
  readonly flags = shared((b) => new Uint8Array(b), 1);
  readonly method = new Uint8Array(CHUNK_ROWS);
}

/** What the per-row files read of a chunk (row-writer.ts); shared with the row-file worker. */
export interface RowChunkColumns {
  readonly disposal: Int32Array;
  readonly qty: Float64Array;
  readonly basis: Float64Array;
  readonly proceeds: Float64Array;
  readonly adjustment: Float64Array;
  readonly holdDay: Int32Array;
  readonly flags: Uint8Array;
}

/** Row k of chunk c into `out`; `day` holds the event days (the sold day is day[disposal]). */
function readRowNumbers(c: RowChunkColumns, k: number, day: Int32Array, out: RowNumbers): void {
  const flags = c.flags[k] as number;
  out.long = (flags & FLAG_LONG) !== 0;
  out.wash = (flags & FLAG_WASH) !== 0;
  out.qty = c.qty[k] as number;
  out.basis = c.basis[k] as number;
  out.proceeds = c.proceeds[k] as number;
  out.adjustment = c.adjustment[k] as number;
  out.holdDay = c.holdDay[k] as number;
  out.soldDay = day[c.disposal[k] as number] as number;
}

/** The rows as the per-row files need them: plain data a worker thread can be sent (see RowColumns). */
export interface RowTableData {
  count: number;
  boxShort: Box;
  boxLong: Box;
  chunks: RowChunkColumns[];
  /** Event days (the sold day of a row is day[disposal]). */
  day: Int32Array;
}

/** Reads rows of RowTableData (the row-file worker's side of RowTable.numbers). */
export class RowColumns {
  readonly count: number;
  readonly boxShort: Box;
  readonly boxLong: Box;
  private readonly chunks: RowChunkColumns[];
  private readonly day: Int32Array;
  constructor(d: RowTableData) {
    this.count = d.count;
    this.boxShort = d.boxShort;
    this.boxLong = d.boxLong;
    this.chunks = d.chunks;
    this.day = d.day;
    if (this.chunks.length * CHUNK_ROWS < this.count) throw new Error(`row data: ${this.count} rows in ${this.chunks.length} chunks`);
  }

  numbers(i: number, out: RowNumbers): void {
    readRowNumbers(this.chunks[i >>> CHUNK_SHIFT] as RowChunkColumns, i & CHUNK_MASK, this.day, out);
  }
}

export class RowTable {
  count = 0;
  /** Rows added as long-term (shortThenLong places them without a counting pass). */
  longCount = 0;
  private readonly chunks: RowChunk[] = [];
  private readonly dates = new Map<number, string>();

  /** Called with each chunk once it is full (its rows no longer change): the report's helper sizes them early (row-worker.ts). */
  onChunkFull: ((k: number, columns: RowChunkColumns) => void) | null = null;

  constructor(readonly ev: EvStore, readonly symbol: string, readonly boxShort: Box, readonly boxLong: Box) {}

  private columns(c: RowChunk): RowChunkColumns {
    return { disposal: c.disposal, qty: c.qty, basis: c.basis, proceeds: c.proceeds, adjustment: c.adjustment, holdDay: c.holdDay, flags: c.flags };
  }

  add(disposal: number, lot: number, qty: number, basis: number, proceeds: number, adjustment: number, holdDay: number, long: boolean, wash: boolean, method: LotMethod): void {
    const i = this.count++;
    const k = i & CHUNK_MASK;
    if (k === 0) {
      const full = this.chunks.length - 1;
      if (full >= 0 && this.onChunkFull) this.onChunkFull(full, this.columns(this.chunks[full] as RowChunk));
      this.chunks.push(new RowChunk());
    }
    const c = this.chunks[i >>> CHUNK_SHIFT] as RowChunk;
    c.disposal[k] = disposal;
    c.lot[k] = lot;
    c.qty[k] = qty;
    c.basis[k] = basis;
    c.proceeds[k] = proceeds;
    c.adjustment[k] = adjustment;
    c.holdDay[k] = holdDay;
    c.flags[k] = (long ? FLAG_LONG : 0) | (wash ? FLAG_WASH : 0);
    c.method[k] = METHOD_CODES.indexOf(method);
    if (long) this.longCount++;
  }

  /**
   * Row indices with the short-term rows first, then the long-term ones, each in the order added
   * (the form's order: every short box comes before every long one). One pass over the flags.
   */
  shortThenLong(): Int32Array {
    const n = this.count;
    const out = new Int32Array(n);
    let s = 0, l = n - this.longCount;
    for (let c = 0; c < this.chunks.length; c++) {
      const flags = (this.chunks[c] as RowChunk).flags;
      const base = c << CHUNK_SHIFT;
      const m = Math.min(CHUNK_ROWS, n - base);
      for (let k = 0; k < m; k++) {
        if (((flags[k] as number) & FLAG_LONG) !== 0) out[l++] = base + k;
        else out[s++] = base + k;
      }
    }
    if (s !== n - this.longCount || l !== n) throw new Error(`row table invariant: ${this.longCount} long rows counted, but ${n - s} placed after the short ones`);
    return out;
  }

  private chunk(i: number): RowChunk {
    return this.chunks[i >>> CHUNK_SHIFT] as RowChunk;
  }

  isLong(i: number): boolean {
    return ((this.chunk(i).flags[i & CHUNK_MASK] as number) & FLAG_LONG) !== 0;
  }

  box(i: number): Box {
    return this.isLong(i) ? this.boxLong : this.boxShort;
  }

  private date(day: number): string {
    let t = this.dates.get(day);
    if (t === undefined) {
      t = formatISODate(day);
      this.dates.set(day, t);
    }
    return t;
  }

  /** Row i's numbers into `out` (reused by the caller: no object per row). */
  numbers(i: number, out: RowNumbers): void {
    readRowNumbers(this.chunk(i), i & CHUNK_MASK, this.ev.day, out);
  }

  /** The columns the per-row files read, without copies (chunks are on SharedArrayBuffers). */
  data(): RowTableData {
    // Only the columns the files read (a RowChunk itself would be cloned whole, lot and method too).
    const chunks = this.chunks.map((c) => this.columns(c));
    return { count: this.count, boxShort: this.boxShort, boxLong: this.boxLong, chunks, day: this.ev.day };
  }

  get(i: number): Form8949Row {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`row ${i} out of range`);
    const c = this.chunk(i), k = i & CHUNK_MASK;
    const flags = c.flags[k] as number;
    const long = (flags & FLAG_LONG) !== 0;
    const proceeds = c.proceeds[k] as number, basis = c.basis[k] as number, adj = c.adjustment[k] as number;
    const q = formatQtyN(c.qty[k] as number);
    const d = c.disposal[k] as number;
    const ev = this.ev;
    return {
      part: long ? 'II' : 'I', box: long ? this.boxLong : this.boxShort, term: long ? 'long' : 'short', description: `${q} ${this.symbol}`, quantity: q,
      date_acquired: this.date(c.holdDay[k] as number), date_sold: this.date(ev.day[d] as number), proceeds: formatCentsN(proceeds), cost_basis: formatCentsN(basis),
      code: (flags & FLAG_WASH) !== 0 ? 'W' : '', adjustment: formatCentsN(adj), gain_loss: formatCentsN(proceeds - basis + adj),
      lot_id: ev.id[c.lot[k] as number] as string, disposal_id: ev.id[d] as string, disposal_type: ev.typeOf(d) as 'sell' | 'redeem', method: METHOD_CODES[c.method[k] as number] as LotMethod,
    };
  }
}
