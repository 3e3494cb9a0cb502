// Validated transactions as compact events: the types and the column store (struct of arrays)
// that prepare.ts fills and the engine, the lot book and the row table read.
import type { TxType } from './types.js';

export interface LotRef {
  id: string;
  /** Quantity units (1e-8 token). */
  qty: number;
}

/** The lots an order chose, shared by its fills (TaxTransaction.order_lots). */
export interface OrderPick {
  order: string;
  lots: LotRef[];
}

/** A validated transaction. Amounts are exact integers; see fixed.ts for units. */
export interface Ev {
  id: string;
  /** CSV row (header = 1), or undefined when the input was not a file. */
  row: number | undefined;
  /** Price text as given (income rows print it); '' when not needed. */
  price: string;
  type: TxType;
  ms: number;
  day: number;
  /** Quantity units (1e-8 token). */
  qty: number;
  /** Acquisitions: basis in cents. Disposals: proceeds in cents (net of fees). */
  cents: number;
  /** Ordinary income in cents (mint under fmv, income); 0 otherwise. */
  income: number;
  lots: LotRef[] | null;
  /** Optional (absent = none): the lots the fill's order chose. */
  pick?: OrderPick | null;
}

export const TYPE_CODE: Record<TxType, number> = { buy: 0, sell: 1, mint: 2, redeem: 3, income: 4 };
export const CODE_TYPE: TxType[] = ['buy', 'sell', 'mint', 'redeem', 'income'];
export const isAcquisitionCode = (t: number): boolean => t === 0 || t === 2 || t === 4;

/**
 * A validated row without lots or picks, as the CSV byte reader fills it (one reused object: the
 * reader allocates nothing per row but the id and, with income, the price text).
 */
export interface PlainRow {
  id: string;
  /** idHash(id), computed while the id's bytes were read. */
  hash: number;
  row: number;
  /** TYPE_CODE of the row's type. */
  type: number;
  ms: number;
  day: number;
  qty: number;
  cents: number;
  income: number;
  /** Price text; read only when income > 0. */
  price: string;
}

/** push()'s copy of an event's plain part (reused: push allocates nothing). */
const asPlain: PlainRow = { id: '', hash: 0, row: 0, type: 0, ms: 0, day: 0, qty: 0, cents: 0, income: 0, price: '' };

/** The per-event columns, one entry per event (EvStore holds them; a parsed batch carries them between threads). */
export interface EvColumns {
  row: Int32Array;
  type: Uint8Array;
  ms: Float64Array;
  day: Int32Array;
  qty: Float64Array;
  cents: Float64Array;
  income: Float64Array;
}

/**
 * Validated transactions as columns (struct of arrays), in processing order. Why: an object per
 * transaction holds its time, quantity and amounts as boxed doubles (separate heap objects in V8),
 * and at a million transactions the garbage collector spent more time copying them than the
 * engine spent computing. Typed arrays hold the same numbers with no objects at all.
 */
export class EvStore implements EvColumns {
  n = 0;
  id: string[] = [];
  row: Int32Array;
  type: Uint8Array;
  ms: Float64Array;
  day: Int32Array;
  qty: Float64Array;
  cents: Float64Array;
  income: Float64Array;
  /** Sparse: price text of events with income; specific-ID lots of disposals. */
  price = new Map<number, string>();
  lots = new Map<number, LotRef[]>();
  picks = new Map<number, OrderPick>();

  constructor(capacity: number) {
    this.row = new Int32Array(capacity);
    this.type = new Uint8Array(capacity);
    this.ms = new Float64Array(capacity);
    this.day = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.cents = new Float64Array(capacity);
    this.income = new Float64Array(capacity);
  }

  grow(): void {
    const cap = Math.max(16, this.ms.length * 2);
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.row = g(this.row, (n) => new Int32Array(n));
    this.type = g(this.type, (n) => new Uint8Array(n));
    this.ms = g(this.ms, (n) => new Float64Array(n));
    this.day = g(this.day, (n) => new Int32Array(n));
    this.qty = g(this.qty, (n) => new Float64Array(n));
    this.cents = g(this.cents, (n) => new Float64Array(n));
    this.income = g(this.income, (n) => new Float64Array(n));
  }

  push(ev: Ev): void {
    const r = asPlain;
    r.id = ev.id;
    r.row = ev.row ?? -1;
    r.type = TYPE_CODE[ev.type];
    r.ms = ev.ms;
    r.day = ev.day;
    r.qty = ev.qty;
    r.cents = ev.cents;
    r.income = ev.income;
    r.price = ev.price;
    this.pushPlain(r);
    if (ev.lots) this.lots.set(this.n - 1, ev.lots);
    if (ev.pick) this.picks.set(this.n - 1, ev.pick);
  }

  /** push() of a plain row read from a file's bytes (csv-bytes.ts): no lots, no pick, price only with income. */
  pushPlain(r: PlainRow): void {
    if (this.n === this.ms.length) this.grow();
    const i = this.n++;
    this.id.push(r.id);
    this.row[i] = r.row;
    this.type[i] = r.type;
    this.ms[i] = r.ms;
    this.day[i] = r.day;
    this.qty[i] = r.qty;
    this.cents[i] = r.cents;
    this.income[i] = r.income;
    if (r.income > 0) this.price.set(i, r.price);
  }

  /** Removes the last event (only used to undo a refused push). */
  pop(): void {
    const i = --this.n;
    this.id.pop();
    this.price.delete(i);
    this.lots.delete(i);
    this.picks.delete(i);
  }

  typeOf(i: number): TxType {
    return CODE_TYPE[this.type[i] as number] as TxType;
  }

  rowOf(i: number): number | undefined {
    const r = this.row[i] as number;
    return r < 0 ? undefined : r;
  }

  /** Reorders every column by `order` (a permutation). */
  permute(order: Int32Array): void {
    const n = this.n;
    const pf = (a: Float64Array): Float64Array => { const b = new Float64Array(n); for (let k = 0; k < n; k++) b[k] = a[order[k] as number] as number; return b; };
    const pi = (a: Int32Array): Int32Array => { const b = new Int32Array(n); for (let k = 0; k < n; k++) b[k] = a[order[k] as number] as number; return b; };
    const pu = (a: Uint8Array): Uint8Array => { const b = new Uint8Array(n); for (let k = 0; k < n; k++) b[k] = a[order[k] as number] as number; return b; };
    const id: string[] = new Array<string>(n);
    for (let k = 0; k < n; k++) id[k] = this.id[order[k] as number] as string;
    const inverse = new Int32Array(n);
    for (let k = 0; k < n; k++) inverse[order[k] as number] = k;
    const remap = <T>(m: Map<number, T>): Map<number, T> => new Map([...m].map(([i, v]) => [inverse[i] as number, v]));
    this.id = id;
    this.row = pi(this.row);
    this.type = pu(this.type);
    this.ms = pf(this.ms);
    this.day = pi(this.day);
    this.qty = pf(this.qty);
    this.cents = pf(this.cents);
    this.income = pf(this.income);
    this.price = remap(this.price);
    this.lots = remap(this.lots);
    this.picks = remap(this.picks);
  }
}
