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
/** Initial capacity; grows by doubling. */
const INITIAL_ROWS = 1024;

export class RowTable {
  count = 0;
  private cap = INITIAL_ROWS;
  /** Event indices of the disposal and of the lot's acquisition. */
  private disposal = new Int32Array(INITIAL_ROWS);
  private lot = new Int32Array(INITIAL_ROWS);
  private qty = new Float64Array(INITIAL_ROWS);
  private basis = new Float64Array(INITIAL_ROWS);
  private proceeds = new Float64Array(INITIAL_ROWS);
  private adjustment = new Float64Array(INITIAL_ROWS);
  private holdDay = new Int32Array(INITIAL_ROWS);
  private flags = new Uint8Array(INITIAL_ROWS);
  private method = new Uint8Array(INITIAL_ROWS);
  private readonly dates = new Map<number, string>();

  constructor(readonly ev: EvStore, readonly symbol: string, readonly boxShort: Box, readonly boxLong: Box) {}

  private grow(): void {
    const cap = this.cap * 2;
    const f64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.qty = f64(this.qty);
    this.basis = f64(this.basis);
    this.proceeds = f64(this.proceeds);
    this.adjustment = f64(this.adjustment);
    const i32 = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.holdDay = i32(this.holdDay);
    this.disposal = i32(this.disposal);
    this.lot = i32(this.lot);
    const fl = new Uint8Array(cap);
    fl.set(this.flags);
    this.flags = fl;
    const m = new Uint8Array(cap);
    m.set(this.method);
    this.method = m;
    this.cap = cap;
  }

  add(disposal: number, lot: number, qty: number, basis: number, proceeds: number, adjustment: number, holdDay: number, long: boolean, wash: boolean, method: LotMethod): void {
    if (this.count === this.cap) this.grow();
    const i = this.count++;
    this.disposal[i] = disposal;
    this.lot[i] = lot;
    this.qty[i] = qty;
    this.basis[i] = basis;
    this.proceeds[i] = proceeds;
    this.adjustment[i] = adjustment;
    this.holdDay[i] = holdDay;
    this.flags[i] = (long ? FLAG_LONG : 0) | (wash ? FLAG_WASH : 0);
    this.method[i] = METHOD_CODES.indexOf(method);
  }

  isLong(i: number): boolean {
    return ((this.flags[i] as number) & FLAG_LONG) !== 0;
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
    const flags = this.flags[i] as number;
    out.long = (flags & FLAG_LONG) !== 0;
    out.wash = (flags & FLAG_WASH) !== 0;
    out.qty = this.qty[i] as number;
    out.basis = this.basis[i] as number;
    out.proceeds = this.proceeds[i] as number;
    out.adjustment = this.adjustment[i] as number;
    out.holdDay = this.holdDay[i] as number;
    out.soldDay = this.ev.day[this.disposal[i] as number] as number;
  }

  /** The fields the per-row files print, as strings (rows.printable; the byte writers use numbers()). */
  printable(i: number, mdyOf: (day: number) => string): PrintableRow {
    const long = this.isLong(i);
    const proceeds = this.proceeds[i] as number, basis = this.basis[i] as number, adj = this.adjustment[i] as number;
    const wash = ((this.flags[i] as number) & FLAG_WASH) !== 0;
    return {
      part: long ? 'II' : 'I', box: long ? this.boxLong : this.boxShort, long, description: `${formatQtyN(this.qty[i] as number)} ${this.symbol}`,
      acquired: mdyOf(this.holdDay[i] as number), sold: mdyOf(this.ev.day[this.disposal[i] as number] as number),
      proceeds: formatCentsN(proceeds), cost: formatCentsN(basis), wash, adjustment: formatCentsN(adj), gain: formatCentsN(proceeds - basis + adj),
      costNetOfWash: wash ? formatCentsN(basis - adj) : '',
    };
  }

  get(i: number): Form8949Row {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`row ${i} out of range`);
    const long = this.isLong(i);
    const proceeds = this.proceeds[i] as number, basis = this.basis[i] as number, adj = this.adjustment[i] as number;
    const q = formatQtyN(this.qty[i] as number);
    const d = this.disposal[i] as number;
    const ev = this.ev;
    return {
      part: long ? 'II' : 'I', box: long ? this.boxLong : this.boxShort, term: long ? 'long' : 'short', description: `${q} ${this.symbol}`, quantity: q,
      date_acquired: this.date(this.holdDay[i] as number), date_sold: this.date(ev.day[d] as number), proceeds: formatCentsN(proceeds), cost_basis: formatCentsN(basis),
      code: ((this.flags[i] as number) & FLAG_WASH) !== 0 ? 'W' : '', adjustment: formatCentsN(adj), gain_loss: formatCentsN(proceeds - basis + adj),
      lot_id: ev.id[this.lot[i] as number] as string, disposal_id: ev.id[d] as string, disposal_type: ev.typeOf(d) as 'sell' | 'redeem', method: METHOD_CODES[this.method[i] as number] as LotMethod,
    };
  }
}
