// Validates normalized transactions and turns them into compact events with exact integers.
// This runs once per transaction, so it skips zod (measured ~0.5 µs per object warm: a tenth of
// the 1M-transaction budget, and the decimal and date rules would still need hand checks) and
// checks each field by hand with a specific error naming the column. Settings do use zod.
import { decimalProblem, mulDivRoundN, parseQtyN, pow10N, scanDecimal, scanned, valueCents, CENTS_MAX, PRICE_DECIMALS_MAX, QTY_DECIMALS, QTY_MAX } from './fixed.js';
import { parseTimestamp, type DayOf } from './dates.js';
import { IdIndex, idHash } from './ids.js';
import { LIMITS, TaxInputError, TX_TYPES, type TaxSettings, type TaxTransaction, type TxType } from './types.js';

import { EvStore, TYPE_CODE, type Ev, type EvColumns, type LotRef, type OrderPick, type PlainRow } from './ev-store.js';

export { CODE_TYPE, EvStore, isAcquisitionCode, TYPE_CODE, type Ev, type LotRef, type OrderPick } from './ev-store.js';

const TYPE_SET = new Set<string>(TX_TYPES);

function fail(tx: TaxTransaction, column: string, detail: string): never {
  throw new TaxInputError(detail, column, tx.id, tx.row);
}

/** Checks a non-negative decimal text; returns it. */
function amount(tx: TaxTransaction, column: string, text: string | undefined, maxDecimals: number): string {
  if (typeof text !== 'string') fail(tx, column, 'is missing');
  const problem = decimalProblem(text, maxDecimals);
  if (problem) fail(tx, column, problem);
  if (text.charCodeAt(0) === 45) fail(tx, column, `must not be negative: ${text}`);
  return text;
}

function quantity(tx: TaxTransaction, column: string, text: string | undefined): number {
  const t = amount(tx, column, text, QTY_DECIMALS);
  let q: number;
  try {
    q = parseQtyN(t);
  } catch (err) {
    fail(tx, column, (err as Error).message);
  }
  if (q === 0) fail(tx, column, 'must be greater than 0');
  return q;
}

function cents(tx: TaxTransaction, column: string, f: () => number): number {
  let v: number;
  try {
    v = f();
  } catch (err) {
    fail(tx, column, (err as Error).message);
  }
  if (v > CENTS_MAX) fail(tx, column, 'amount above the limit of 10^13 USD');
  return v;
}

function lotRefs(tx: TaxTransaction, qty: number): LotRef[] | null {
  if (tx.lots === undefined || tx.lots.length === 0) return null;
  if (tx.type !== 'sell' && tx.type !== 'redeem') fail(tx, 'lots', 'only sell and redeem rows name lots');
  if (tx.lots.length > LIMITS.lots_per_disposal_max) fail(tx, 'lots', `names more than ${LIMITS.lots_per_disposal_max} lots`);
  const seen = new Set<string>();
  let sum = 0;
  const out: LotRef[] = [];
  for (const l of tx.lots) {
    if (typeof l.id !== 'string' || l.id.length === 0) fail(tx, 'lots', 'a lot id is empty');
    if (seen.has(l.id)) fail(tx, 'lots', `lot ${JSON.stringify(l.id)} is named twice`);
    seen.add(l.id);
    const q = quantity(tx, 'lots', l.quantity);
    sum += q;
    out.push({ id: l.id, qty: q });
  }
  if (sum !== qty) fail(tx, 'lots', `lot quantities add up to ${tx.lots.map((l) => l.quantity).join(' + ')}, not the row's quantity ${tx.quantity}`);
  return out;
}

/** The order's chosen lots of a fill (sum checked against the order when it was placed, not here). */
function orderPick(tx: TaxTransaction): OrderPick | null {
  if (tx.order_lots === undefined || tx.order_lots.length === 0) return null;
  if (tx.type !== 'sell') fail(tx, 'order_lots', 'only sells carry an order\'s chosen lots');
  if (tx.lots !== undefined && tx.lots.length > 0) fail(tx, 'order_lots', 'a row names either its lots or its order\'s chosen lots, not both');
  if (typeof tx.order !== 'string' || tx.order.length === 0) fail(tx, 'order', 'is required with order_lots (fills of one order share the list)');
  if (tx.order_lots.length > LIMITS.lots_per_disposal_max) fail(tx, 'order_lots', `names more than ${LIMITS.lots_per_disposal_max} lots`);
  const seen = new Set<string>();
  const lots: LotRef[] = [];
  for (const l of tx.order_lots) {
    if (typeof l.id !== 'string' || l.id.length === 0) fail(tx, 'order_lots', 'a lot id is empty');
    if (seen.has(l.id)) fail(tx, 'order_lots', `lot ${JSON.stringify(l.id)} is named twice`);
    seen.add(l.id);
    lots.push({ id: l.id, qty: quantity(tx, 'order_lots', l.quantity) });
  }
  return { order: tx.order, lots };
}

// Fast path for the common row (buy, sell, redeem, income with plain amounts that fit the exact
// Number range): scanned by hand, no substrings. Anything else, including every error, takes the
// general path below, which gives the same numbers and the specific error messages. The steps
// read what scanDecimal (or scanDecimalBytes: csv-bytes.ts, the same rules on a file's bytes)
// left in `scanned`; each returns -1 for "take the general path".

/** Quantity units of the scanned quantity. */
export function fastQty(): number {
  if (scanned.neg || scanned.scale > QTY_DECIMALS || scanned.digits > 15 || scanned.mant === 0) return -1;
  const qty = scanned.mant * pow10N(QTY_DECIMALS - scanned.scale);
  return qty > QTY_MAX ? -1 : qty;
}

/** Cents of the scanned price × `qty` units, rounded half away from zero like valueCents. */
export function fastBase(qty: number): number {
  if (scanned.neg || scanned.digits > 15 || scanned.scale > 16) return -1;
  const prod = scanned.mant * qty;
  if (prod > Number.MAX_SAFE_INTEGER) return -1;
  return mulDivRoundN(prod, 1, pow10N(scanned.scale + 6));
}

/** Cents of the scanned fee (whole cents only). */
export function fastFee(): number {
  if (scanned.neg || scanned.scale > 2 || scanned.digits > 15) return -1;
  return scanned.mant * pow10N(2 - scanned.scale);
}

/** A fast row's basis or proceeds (`cents`) and income, by type code (fastCents). */
export const fastOut = { cents: 0, income: 0 };

/** Fills fastOut for type code `type` (buy, sell, redeem, income; not mint); false: the general path. */
export function fastCents(type: number, base: number, fee: number): boolean {
  let c: number;
  let income = 0;
  if (type === TYPE_CODE.buy) c = base + fee;
  else if (type === TYPE_CODE.income) {
    income = base;
    c = base + fee;
  } else if (type === TYPE_CODE.sell || type === TYPE_CODE.redeem) c = base - fee;
  else return false;
  if (c < 0 || c > CENTS_MAX) return false;
  fastOut.cents = c;
  fastOut.income = income;
  return true;
}

let fastQtyOut = 0;

function fastPath(tx: TaxTransaction): boolean {
  const type = tx.type;
  if (type === 'mint' || (tx.basis_usd !== undefined && tx.basis_usd !== '')) return false;
  if (typeof tx.quantity !== 'string' || !scanDecimal(tx.quantity)) return false;
  const qty = fastQty();
  if (qty < 0) return false;
  if (typeof tx.price_usd !== 'string' || !scanDecimal(tx.price_usd)) return false;
  const base = fastBase(qty);
  if (base < 0) return false;
  let fee = 0;
  const feeText = tx.fee_usd;
  if (feeText !== undefined && feeText !== '' && feeText !== '0') {
    if (!scanDecimal(feeText)) return false;
    fee = fastFee();
    if (fee < 0) return false;
  }
  fastQtyOut = qty;
  return fastCents(TYPE_CODE[type], base, fee);
}

/** An Ev as a class instance, not an object literal (no allocation site to pretenure: see csv.ts). */
class PreparedEv implements Ev {
  constructor(
    readonly id: string, readonly row: number | undefined, readonly price: string, readonly type: TxType, readonly ms: number, readonly day: number,
    readonly qty: number, readonly cents: number, readonly income: number, readonly lots: LotRef[] | null, readonly pick: OrderPick | null,
  ) {}
}

/** Validates one transaction and computes its exact basis or proceeds. */
export function prepareOne(tx: TaxTransaction, s: TaxSettings, dayOf: DayOf): Ev {
  if (typeof tx.id !== 'string' || tx.id.length === 0) fail(tx, 'id', 'is empty');
  if (tx.id.length > LIMITS.id_chars_max) fail(tx, 'id', `is longer than ${LIMITS.id_chars_max} characters`);
  if (typeof tx.time !== 'string') fail(tx, 'time', 'is missing');
  const ms = parseTimestamp(tx.time);
  if (ms === null) fail(tx, 'time', `is not an ISO 8601 timestamp with offset or Z (e.g. 2025-03-01T14:30:00Z): ${JSON.stringify(tx.time)}`);
  if (!TYPE_SET.has(tx.type)) fail(tx, 'type', `must be one of ${TX_TYPES.join(', ')}: ${JSON.stringify(tx.type)}`);
  if (fastPath(tx)) {
    const q = fastQtyOut;
    return new PreparedEv(tx.id, tx.row, fastOut.income > 0 ? tx.price_usd : '', tx.type, ms, dayOf(ms), q, fastOut.cents, fastOut.income, lotRefs(tx, q), orderPick(tx));
  }
  const qty = quantity(tx, 'quantity', tx.quantity);
  const price = amount(tx, 'price', tx.price_usd, PRICE_DECIMALS_MAX);
  const fee = tx.fee_usd === undefined || tx.fee_usd === '' ? '0' : amount(tx, 'fee', tx.fee_usd, PRICE_DECIMALS_MAX);
  const hasBasis = tx.basis_usd !== undefined && tx.basis_usd !== '';
  if (hasBasis && tx.type !== 'mint') fail(tx, 'basis', `only mint rows carry a basis (a ${tx.type} row's basis follows from price, quantity and fee)`);
  let c = 0;
  let income = 0;
  switch (tx.type) {
    case 'buy':
      c = cents(tx, 'price', () => valueCents(price, qty, fee, 1));
      break;
    case 'income':
      income = cents(tx, 'price', () => valueCents(price, qty, '0', 1));
      c = cents(tx, 'price', () => valueCents(price, qty, fee, 1));
      break;
    case 'mint':
      if (s.mint_basis === 'allocated') {
        if (!hasBasis) fail(tx, 'basis', 'is required for a mint under the allocated basis policy (the subscription cost allocated to the minted credits)');
        const basis = amount(tx, 'basis', tx.basis_usd, PRICE_DECIMALS_MAX);
        // basis + fee: the same exact sum with a quantity of one 1e-8 unit scaled away.
        c = cents(tx, 'basis', () => valueCents(basis, 1e8, fee, 1));
      } else if (s.mint_basis === 'fmv') {
        income = cents(tx, 'price', () => valueCents(price, qty, '0', 1));
        c = cents(tx, 'price', () => valueCents(price, qty, fee, 1));
      } else {
        c = cents(tx, 'fee', () => valueCents('0', qty, fee, 1));
      }
      break;
    case 'sell':
    case 'redeem':
      c = cents(tx, 'price', () => valueCents(price, qty, fee, -1));
      if (c < 0) fail(tx, 'fee', `the fee ${tx.fee_usd} exceeds the value of the ${tx.type} (${tx.price_usd} × ${tx.quantity})`);
      break;
  }
  return new PreparedEv(tx.id, tx.row, income > 0 ? price : '', tx.type, ms, dayOf(ms), qty, c, income, lotRefs(tx, qty), orderPick(tx));
}

/** EventCollector.batch(): events in input order as columns (n of each), sparse maps as entries. */
export interface EvBatch extends EvColumns {
  n: number;
  /** Whether the events are in time order among themselves. */
  sorted: boolean;
  id: string[];
  /** idHash of each id (so the receiving thread does not hash them again). */
  idHash: Int32Array;
  price: [number, string][];
  lots: [number, LotRef[]][];
  picks: [number, OrderPick][];
}

/** Collects validated events; refuses duplicate ids; sorts by time (stable) at the end. */
export class EventCollector {
  private readonly store: EvStore;
  private readonly ids: IdIndex;
  private sorted = true;
  constructor(private readonly settings: TaxSettings, private readonly dayOf: DayOf, capacity = 1024) {
    this.store = new EvStore(capacity);
    this.ids = new IdIndex(() => this.store.id, capacity);
  }

  add(tx: TaxTransaction): void {
    const st = this.store;
    if (st.n >= LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} transactions`, 'id', tx.id, tx.row);
    const ev = prepareOne(tx, this.settings, this.dayOf);
    if (st.n > 0 && ev.ms < (st.ms[st.n - 1] as number)) this.sorted = false;
    st.push(ev);
    if (!this.ids.add(st.n - 1)) {
      st.pop();
      fail(tx, 'id', `duplicate id ${JSON.stringify(ev.id)}`);
    }
  }

  /** add() of a row the CSV byte reader validated (csv-bytes.ts): the same checks after validation. */
  addPlain(r: PlainRow): void {
    const st = this.store;
    if (st.n >= LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} transactions`, 'id', r.id, r.row);
    if (st.n > 0 && r.ms < (st.ms[st.n - 1] as number)) this.sorted = false;
    st.pushPlain(r);
    if (!this.ids.addHashed(st.n - 1, r.hash)) {
      st.pop();
      throw new TaxInputError(`duplicate id ${JSON.stringify(r.id)}`, 'id', r.id, r.row);
    }
  }

  /** The events so far in input order, as plain columns another thread can be sent (csv-split.ts). */
  batch(): EvBatch {
    const st = this.store, n = st.n;
    return {
      n, sorted: this.sorted, id: st.id, idHash: Int32Array.from(st.id, idHash), row: st.row.slice(0, n), type: st.type.slice(0, n), ms: st.ms.slice(0, n), day: st.day.slice(0, n),
      qty: st.qty.slice(0, n), cents: st.cents.slice(0, n), income: st.income.slice(0, n), price: [...st.price], lots: [...st.lots], picks: [...st.picks],
    };
  }

  /**
   * Appends events another collector read from the rest of the same file (csv-split.ts): the same
   * events and the same duplicate-id error as if this collector had read those rows itself (that
   * collector refused duplicates among its own rows; these are checked against all before them).
   */
  appendBatch(b: EvBatch): void {
    const st = this.store;
    if (st.n + b.n > LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} transactions`, 'id', b.id[0], b.row[0]);
    while (st.ms.length < st.n + b.n) st.grow();
    const base = st.n;
    if (b.n > 0 && base > 0 && (b.ms[0] as number) < (st.ms[base - 1] as number)) this.sorted = false;
    if (!b.sorted) this.sorted = false;
    st.row.set(b.row.subarray(0, b.n), base);
    st.type.set(b.type.subarray(0, b.n), base);
    st.ms.set(b.ms.subarray(0, b.n), base);
    st.day.set(b.day.subarray(0, b.n), base);
    st.qty.set(b.qty.subarray(0, b.n), base);
    st.cents.set(b.cents.subarray(0, b.n), base);
    st.income.set(b.income.subarray(0, b.n), base);
    for (const [i, v] of b.price) st.price.set(base + i, v);
    for (const [i, v] of b.lots) st.lots.set(base + i, v);
    for (const [i, v] of b.picks) st.picks.set(base + i, v);
    for (let k = 0; k < b.n; k++) {
      const id = b.id[k] as string;
      st.id.push(id);
      st.n++;
      if (!this.ids.addHashed(base + k, b.idHash[k] as number)) {
        const row = b.row[k] as number;
        throw new TaxInputError(`duplicate id ${JSON.stringify(id)}`, 'id', id, row < 0 ? undefined : row);
      }
    }
  }

  /** Events in processing order (time, then input order). */
  finish(): EvStore {
    const st = this.store;
    if (!this.sorted) {
      // Stable: ties keep input order.
      const idx = Array.from({ length: st.n }, (_, k) => k);
      idx.sort((a, b) => (st.ms[a] as number) - (st.ms[b] as number) || a - b);
      st.permute(Int32Array.from(idx));
    }
    return st;
  }
}

/** Validates all transactions; returns them in processing order (time, then input order). */
export function prepareAll(txs: readonly TaxTransaction[], settings: TaxSettings, dayOf: DayOf): EvStore {
  if (txs.length > LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} transactions`, 'id');
  const c = new EventCollector(settings, dayOf, Math.max(16, txs.length));
  for (const tx of txs) c.add(tx);
  return c.finish();
}
