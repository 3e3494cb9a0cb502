// The yearly computation and the two live views (unrealized positions, what-if sale).
import { LotBook, type Disposal, type Portion } from './book.js';
import { WASH_WINDOW_DAYS } from './wash.js';
import { CSV_BYTES_MAX, forEachCsvTransaction } from './csv.js';
import { readCsvFileBytesInto } from './csv-bytes.js';
import { collectCsvSplit, shared, sharedUtf8, SPLIT_LINES_MIN, utf8Text } from './csv-split.js';
import { prepareRowFiles, prestartRowFilesWorker } from './row-worker.js';
import { RowTable } from './rows.js';
import { assertTimeZone, dayFromCivil, formatISODate, makeDayOf, parseTimestamp, type DayOf } from './dates.js';
import { decimalProblem, formatCentsN as formatCents, formatQtyN as formatQty, parseCents, parseQtyN, valueCents, PRICE_DECIMALS_MAX, QTY_DECIMALS } from './fixed.js';
import { EventCollector, isAcquisitionCode, prepareAll, TYPE_CODE, type EvStore, type LotRef } from './prepare.js';
import { BOX_LINE, computeScheduleD, priorYearCents, type CentTotals } from './schedule.js';
import {
  LIMITS, TaxInputError, zTaxSettings, type Box, type Form8949Row, type IncomeRow, type LotMethod, type LotView,
  type LotSource, type TaxSettings, type TaxSettingsInput, type TaxTransaction, type TaxYearResult, type UnrealizedLot, type WhatIfPortion,
  type WhatIfResult, TX_TYPES,
} from './types.js';

/** Validates settings (zod) and the standing orders; throws TaxInputError naming the setting. */
export function parseSettings(input: TaxSettingsInput): TaxSettings {
  const r = zTaxSettings.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new TaxInputError(issue?.message ?? 'invalid', `settings${where ? '.' + where : ''}`);
  }
  const s = r.data;
  try {
    if (s.tz !== 'UTC') assertTimeZone(s.tz); // Intl's first use costs ~0.1 s; UTC needs no zone data
  } catch (err) {
    throw new TaxInputError((err as Error).message, 'settings.tz');
  }
  let last = -Infinity;
  for (const [i, o] of s.method_orders.entries()) {
    const ms = parseTimestamp(o.effective_from) as number;
    if (!(ms > last)) throw new TaxInputError('standing orders must be in increasing effective_from', `settings.method_orders.${i}.effective_from`);
    last = ms;
  }
  return s;
}

export function methodOrdersMs(s: TaxSettings): { ms: number; method: LotMethod }[] {
  return s.method_orders.map((o) => ({ ms: parseTimestamp(o.effective_from) as number, method: o.method }));
}

export function boxes(s: TaxSettings): { short: Box; long: Box } {
  return {
    short: s.box_short ?? (s.digital_asset ? 'I' : 'C'),
    long: s.box_long ?? (s.digital_asset ? 'L' : 'F'),
  };
}

/**
 * Applies events [0, end). Acquisitions up to `lookaheadEnd` are known to the book in advance
 * so a loss sale can find replacements bought up to 30 days after it.
 */
function runBook(ev: EvStore, s: TaxSettings, end: number, lookaheadEnd: number, onDisposal: (d: Disposal) => void, reuseDisposals = false): LotBook {
  const acq: number[] = [];
  for (let e = 0; e < lookaheadEnd; e++) if (isAcquisitionCode(ev.type[e] as number)) acq.push(e);
  const book = new LotBook(ev, Int32Array.from(acq), {
    methodOrders: methodOrdersMs(s), washSale: s.wash_sale, specificFallback: s.specific_without_lots === 'fifo', reuseDisposals,
  });
  let a = 0;
  for (let e = 0; e < end; e++) {
    if (isAcquisitionCode(ev.type[e] as number)) book.acquire(a++);
    else onDisposal(book.dispose(e));
  }
  return book;
}

/** Index of the first event with `key(e) > limit` (events are in time order). */
function upperBound(ev: EvStore, key: (e: number) => number, limit: number): number {
  let lo = 0, hi = ev.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lotView(book: LotBook, p: number): LotView {
  const a = book.pAcq[p] as number;
  const e = book.acqEv[a] as number;
  return {
    lot_id: book.ev.id[e] as string,
    piece: book.pNo[p] as number,
    source: book.ev.typeOf(e) as LotView['source'],
    acquired_time: new Date(book.ev.ms[e] as number).toISOString(),
    holding_start: formatISODate(book.pHold[p] as number),
    original_quantity: formatQty(book.pOrigQty[p] as number),
    original_basis: formatCents(book.pOrigBasis[p] as number),
    remaining_quantity: formatQty(book.pQty[p] as number),
    remaining_basis: formatCents(book.pBasis[p] as number),
    wash_adjustment: formatCents(book.pWashAdj[p] as number),
  };
}

function heldPieces(book: LotBook): number[] {
  const out: number[] = [];
  for (let a = 0; a < book.acquiredThrough; a++) {
    for (let p = book.firstPiece(a); p >= 0; p = book.pNext[p] as number) if ((book.pQty[p] as number) > 0) out.push(p);
  }
  return out;
}

/** Internal row storage of each result (writers read rows from it one at a time). */
const TABLES = new WeakMap<TaxYearResult, RowTable>();

/** The compact rows behind a result of computeTaxYear, or null for a result built elsewhere. */
export function rowTableOf(r: TaxYearResult): RowTable | null {
  return TABLES.get(r) ?? null;
}

/** Computes the year: 8949 rows, Schedule D, carryovers, income, lots held at year end. */
export function computeTaxYear(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput): TaxYearResult {
  const s = parseSettings(settingsInput);
  return computeFromEvents(prepareAll(transactions, s, makeDayOf(s.tz)), s);
}

/** The same from the documented CSV text, without building an object per CSV row first. */
export function computeTaxYearFromCsv(csvText: string, settingsInput: TaxSettingsInput): TaxYearResult {
  return fromCsv(sharedUtf8(csvText), csvText, parseSettings(settingsInput));
}

/**
 * The same from the CSV file's bytes (UTF-8; the CLI's path: readFileShared). Bytes on a
 * SharedArrayBuffer are shared with the helper worker as they are; others are copied once.
 */
export function computeTaxYearFromCsvBytes(bytes: Uint8Array, settingsInput: TaxSettingsInput): TaxYearResult {
  const s = parseSettings(settingsInput);
  if (bytes.length > CSV_BYTES_MAX) throw new TaxInputError(`the file is larger than ${CSV_BYTES_MAX} bytes`, '(file)');
  return fromCsv(shared(bytes), null, s);
}

function fromCsv(bytes: Uint8Array, text: string | null, s: TaxSettings): TaxYearResult {
  const dayOf = makeDayOf(s.tz);
  // A large file is read on two threads (csv-split.ts); the same helper worker then writes part of the report's row files.
  const { ev, lines } = collectCsvSplit(bytes, s, dayOf);
  if (ev) return computeFromEvents(ev, s, { prepareReport: true });
  if (lines >= SPLIT_LINES_MIN) prestartRowFilesWorker(); // a quoted file: the worker still helps with the report
  // Size the columns once from the line count (growing a million-row table costs copies).
  const c = new EventCollector(s, dayOf, Math.min(lines, LIMITS.transactions_max));
  // From the bytes unless the text reader's own limit on rows may apply (its error names the file).
  if (lines > LIMITS.transactions_max || !readCsvFileBytesInto(c, bytes, dayOf)) forEachCsvTransaction(text ?? utf8Text(bytes), (tx) => c.add(tx));
  return computeFromEvents(c.finish(), s);
}

/** The year from already prepared events (in processing order); `s` is parsed settings with a year. */
export function computeFromEvents(ev: EvStore, s: TaxSettings, opts: { prepareReport?: boolean } = {}): TaxYearResult {
  if (s.year === undefined) throw new TaxInputError('is required', 'settings.year');
  const year = s.year;
  const prior = s.prior_year ? priorYearCents(s.prior_year) : null;
  const thisTI = s.taxable_income !== undefined ? parseCents(s.taxable_income) : null;
  const first = dayFromCivil(year, 1, 1);
  const lastDay = dayFromCivil(year, 12, 31);
  const bx = boxes(s);
  const table = new RowTable(ev, s.asset_symbol, bx.short, bx.long);
  // A report follows (the CSV path): the helper worker sizes rows and maps the files' memory meanwhile.
  if (opts.prepareReport === true) prepareRowFiles(table);
  const acc: Record<string, number[]> = {};
  let st = 0, lt = 0, washInYear = 0;
  const onDisposal = (d: Disposal): void => {
    const day = ev.day[d.e] as number;
    if (day < first) return;
    for (const p of d.portions) {
      const long = day > p.threshold;
      const gain = p.proceeds - p.basis + p.adjustment;
      const t = (acc[BOX_LINE[long ? bx.long : bx.short]] ??= [0, 0, 0, 0]);
      t[0]! += p.proceeds;
      t[1]! += p.basis;
      t[2]! += p.adjustment;
      t[3]! += gain;
      if (long) lt += gain;
      else st += gain;
      washInYear += p.adjustment;
      table.add(d.e, p.lotEv, p.qty, p.basis, p.proceeds, p.adjustment, p.holdDay, long, p.code === 'W', d.method);
    }
  };
  const end = upperBound(ev, (e) => ev.day[e] as number, lastDay);
  const lookahead = s.wash_sale ? upperBound(ev, (e) => ev.day[e] as number, lastDay + WASH_WINDOW_DAYS) : end;
  // onDisposal copies each portion into the row table: the book may reuse the objects.
  const book = runBook(ev, s, end, lookahead, onDisposal, true);
  table.onChunkFull = null; // the rows are all added
  const byLine: Record<string, CentTotals> = {};
  for (const [k, t] of Object.entries(acc)) {
    for (const x of t) assertSafeSum(x);
    byLine[k] = { proceeds: BigInt(t[0]!), cost: BigInt(t[1]!), adjustment: BigInt(t[2]!), gain: BigInt(t[3]!) };
  }
  const income: IncomeRow[] = [];
  let ordinary = 0;
  for (const [e, price] of [...ev.price].sort((x, y) => x[0] - y[0])) {
    const day = ev.day[e] as number;
    if (day < first || day > lastDay) continue;
    const amount = ev.income[e] as number;
    ordinary += amount;
    income.push({ id: ev.id[e] as string, date: formatISODate(day), type: ev.typeOf(e) as IncomeRow['type'], quantity: formatQty(ev.qty[e] as number), price_usd: price, amount_usd: formatCents(amount) });
  }
  for (const x of [st, lt, washInYear, ordinary]) assertSafeSum(x);
  const held = heldPieces(book);
  let rows: Form8949Row[] | null = null;
  let lots: LotView[] | null = null;
  const result: TaxYearResult = {
    year,
    settings: s,
    // Materialized on first read: the CLI and the writers never need all of them at once.
    get rows(): Form8949Row[] {
      if (!rows) {
        rows = new Array<Form8949Row>(table.count);
        for (let i = 0; i < table.count; i++) rows[i] = table.get(i);
      }
      return rows;
    },
    row_count: table.count,
    schedule_d: computeScheduleD(byLine, s.filing_status, prior, thisTI),
    income,
    get lots(): LotView[] {
      lots ??= held.map((p) => lotView(book, p));
      return lots;
    },
    totals: { short_term_gain: formatCents(st), long_term_gain: formatCents(lt), ordinary_income: formatCents(ordinary), wash_sale_disallowed: formatCents(washInYear) },
    last_event_time: end > 0 ? new Date(ev.ms[end - 1] as number).toISOString() : null,
    transactions_processed: end,
    warnings: book.warnings.filter((w) => (ev.day[w.e] as number) >= first).map((w) => book.warningView(w)),
  };
  TABLES.set(result, table);
  return result;
}

/** Sums of safe integers stay exact only below 2^53: refuse anything else. */
export function assertSafeSum(x: number): void {
  if (!Number.isSafeInteger(x)) throw new RangeError('a total is outside the exact integer range');
}

export function asOfMs(at: string, column: string): number {
  const ms = parseTimestamp(at);
  if (ms === null) throw new TaxInputError(`is not an ISO 8601 timestamp with offset or Z: ${JSON.stringify(at)}`, column);
  return ms;
}

export function marketPrice(text: string, column: string): string {
  const problem = decimalProblem(text, PRICE_DECIMALS_MAX);
  if (problem) throw new TaxInputError(problem, column);
  if (text.startsWith('-')) throw new TaxInputError('must not be negative', column);
  return text;
}

/**
 * Net proceeds of a what-if sale in cents: price × quantity − fee, rounded once to the cent as a
 * sell row's are (the fee as the order ticket estimates it; '0' when none is given).
 */
export function saleProceeds(price: string, qty: number, fee_usd = '0'): number {
  const fee = marketPrice(fee_usd, 'fee_usd');
  const cents = valueCents(price, qty, fee, -1);
  if (cents < 0) throw new TaxInputError(`the fee ${fee} exceeds the value of the sale`, 'fee_usd');
  return cents;
}

/** The acquisition's transaction type, as a lot source (only buy, mint and income acquire). */
export function lotSource(book: LotBook, acq: number): LotSource {
  const code = book.ev.type[book.acqEv[acq] as number] as number;
  const type = TX_TYPES.find((t) => TYPE_CODE[t] === code);
  if (type !== 'buy' && type !== 'mint' && type !== 'income') throw new Error(`tax engine invariant: lot ${book.acqId(acq)} acquired by a ${String(type)}`);
  return type;
}

/** Per lot still held at `as_of`: FMV at the market price, unrealized gain, term, days until long-term. */
export function unrealizedPositions(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput, market_price_usd: string, as_of: string): UnrealizedLot[] {
  const s = parseSettings(settingsInput);
  const price = marketPrice(market_price_usd, 'market_price_usd');
  const ms = asOfMs(as_of, 'as_of');
  const dayOf: DayOf = makeDayOf(s.tz);
  const today = dayOf(ms);
  const ev = prepareAll(transactions, s, dayOf);
  const end = upperBound(ev, (e) => ev.ms[e] as number, ms);
  const book = runBook(ev, s, end, end, () => undefined);
  return heldPieces(book).map((p) => unrealizedLot(book, p, price, today));
}

/** A held piece valued at `price` (validated) on day `today`. */
export function unrealizedLot(book: LotBook, p: number, price: string, today: number): UnrealizedLot {
  const qty = book.pQty[p] as number, basis = book.pBasis[p] as number, threshold = book.pThreshold[p] as number;
  const fmv = valueCents(price, qty, '0', 1);
  const long = today > threshold;
  return {
    lot_id: book.acqId(book.pAcq[p] as number), source: lotSource(book, book.pAcq[p] as number), piece: book.pNo[p] as number, quantity: formatQty(qty), holding_start: formatISODate(book.pHold[p] as number),
    cost_basis: formatCents(basis), fmv: formatCents(fmv), unrealized_gain: formatCents(fmv - basis), term: long ? 'long' : 'short',
    days_until_long_term: long ? 0 : threshold + 1 - today,
  };
}

/** The lots, proceeds and short/long gain that selling `quantity` at `price_usd` at time `at` would realize under the method in force. */
export function whatIfSale(
  transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput, quantity: string, price_usd: string, at: string,
  lots?: { id: string; quantity: string }[], fee_usd = '0',
): WhatIfResult {
  const s = parseSettings(settingsInput);
  const problem = decimalProblem(quantity, QTY_DECIMALS);
  if (problem) throw new TaxInputError(problem, 'quantity');
  const qty = parseQtyN(quantity);
  if (qty <= 0) throw new TaxInputError('must be greater than 0', 'quantity');
  const price = marketPrice(price_usd, 'price_usd');
  const proceeds = saleProceeds(price, qty, fee_usd);
  const ms = asOfMs(at, 'at');
  const dayOf = makeDayOf(s.tz);
  const ev = prepareAll(transactions, s, dayOf);
  const end = upperBound(ev, (e) => ev.ms[e] as number, ms);
  const book = runBook(ev, s, end, end, () => undefined);
  const refs = lots ? saleLots(lots, qty) : null;
  // The hypothetical sale is appended after every real event; the book has applied those up to `at`.
  const e = ev.n;
  ev.push({ id: '(what-if)', row: undefined, price: '', type: 'sell', ms, day: dayOf(ms), qty, cents: proceeds, income: 0, lots: null });
  // Without lots under specific ID: what a fill without a choice would get (FIFO), flagged.
  const needs = refs === null && book.methodAt(ms) === 'specific';
  const d = book.dispose(e, refs, true);
  return whatIfResult(book, d.method, d.portions, ev.day[e] as number, qty, ev.cents[e] as number, needs);
}

/**
 * The lots a what-if sale names, checked: quantities exact and positive, no lot twice, adding up
 * to the sale's quantity (whether they are held is the book's check).
 */
export function saleLots(lots: readonly { id: string; quantity: string }[], qty: number): LotRef[] {
  if (lots.length === 0) throw new TaxInputError('name at least one lot, or leave lots out', 'lots');
  if (lots.length > LIMITS.lots_per_disposal_max) throw new TaxInputError(`names more than ${LIMITS.lots_per_disposal_max} lots`, 'lots');
  const seen = new Set<string>();
  let sum = 0;
  const out = lots.map((l) => {
    if (l.id.length === 0) throw new TaxInputError('a lot id is empty', 'lots');
    if (seen.has(l.id)) throw new TaxInputError(`lot ${JSON.stringify(l.id)} is named twice`, 'lots');
    seen.add(l.id);
    const problem = decimalProblem(l.quantity, QTY_DECIMALS);
    if (problem) throw new TaxInputError(`lot ${JSON.stringify(l.id)}: quantity ${problem}`, 'lots');
    const q = parseQtyN(l.quantity);
    if (q <= 0) throw new TaxInputError(`lot ${JSON.stringify(l.id)}: quantity must be greater than 0`, 'lots');
    sum += q;
    return { id: l.id, qty: q };
  });
  if (sum !== qty) throw new TaxInputError(`the lots add up to ${formatQty(sum)}, not the sale's quantity ${formatQty(qty)}`, 'lots');
  return out;
}

/** The what-if answer from the portions a hypothetical sale of `qty` on `day` for `proceeds` cents would take. */
export function whatIfResult(
  book: LotBook, method: LotMethod, portionList: readonly Portion[], day: number, qty: number, proceeds: number, needs_lot_selection: boolean,
): WhatIfResult {
  const ev = book.ev;
  let st = 0, lt = 0, cost = 0, wash = 0;
  const portions: WhatIfPortion[] = portionList.map((p) => {
    const long = day > p.threshold;
    const gain = p.proceeds - p.basis + p.adjustment;
    if (long) lt += gain;
    else st += gain;
    cost += p.basis;
    wash += p.adjustment;
    return {
      lot_id: ev.id[p.lotEv] as string, piece: book.pNo[p.piece] as number, acquired_date: formatISODate(ev.day[p.lotEv] as number), quantity: formatQty(p.qty), holding_start: formatISODate(p.holdDay), term: long ? 'long' : 'short',
      proceeds: formatCents(p.proceeds), cost_basis: formatCents(p.basis), adjustment: formatCents(p.adjustment), gain: formatCents(gain),
    };
  });
  return {
    method, needs_lot_selection, quantity: formatQty(qty), proceeds: formatCents(proceeds), cost_basis: formatCents(cost),
    short_term_gain: formatCents(st), long_term_gain: formatCents(lt), wash_sale_disallowed: formatCents(wash), portions,
  };
}
