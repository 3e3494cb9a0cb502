// The yearly computation and the two live views (unrealized positions, what-if sale).
import { LotBook, WASH_WINDOW_DAYS, type Disposal, type Piece } from './book.js';
import { forEachCsvTransaction } from './csv.js';
import { RowTable } from './rows.js';
import { assertTimeZone, dayFromCivil, formatISODate, makeDayOf, parseTimestamp, type DayOf } from './dates.js';
import { decimalProblem, formatCentsN as formatCents, formatQtyN as formatQty, parseCents, parseQtyN, valueCents, PRICE_DECIMALS_MAX, QTY_DECIMALS } from './fixed.js';
import { EventCollector, prepareAll, type Ev } from './prepare.js';
import { BOX_LINE, computeScheduleD, priorYearCents, type CentTotals } from './schedule.js';
import {
  ACQUISITION_TYPES, TaxInputError, zTaxSettings, type Box, type Form8949Row, type IncomeRow, type LotMethod, type LotView,
  type TaxSettings, type TaxSettingsInput, type TaxTransaction, type TaxYearResult, type UnrealizedLot, type WhatIfPortion,
  type WhatIfResult,
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
    assertTimeZone(s.tz);
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

function methodOrdersMs(s: TaxSettings): { ms: number; method: LotMethod }[] {
  return s.method_orders.map((o) => ({ ms: parseTimestamp(o.effective_from) as number, method: o.method }));
}

function boxes(s: TaxSettings): { short: Box; long: Box } {
  return {
    short: s.box_short ?? (s.digital_asset ? 'I' : 'C'),
    long: s.box_long ?? (s.digital_asset ? 'L' : 'F'),
  };
}

const isAcquisition = (ev: Ev): boolean => ACQUISITION_TYPES.includes(ev.type);

/**
 * Applies events while `include(ev)` holds. Acquisitions up to `lookaheadDay` are known to
 * the book in advance so a loss sale can find replacements bought up to 30 days after it.
 */
function runBook(
  evs: Ev[], s: TaxSettings, include: (ev: Ev) => boolean, lookaheadDay: number, onDisposal: (d: Disposal) => void,
): { book: LotBook; last: Ev | null; processed: number } {
  const acquisitions: Ev[] = [];
  for (const ev of evs) {
    if (!include(ev) && ev.day > lookaheadDay) break;
    if (isAcquisition(ev)) acquisitions.push(ev);
  }
  const book = new LotBook(acquisitions, { methodOrders: methodOrdersMs(s), washSale: s.wash_sale });
  let acqIdx = 0;
  let last: Ev | null = null;
  let processed = 0;
  for (const ev of evs) {
    if (!include(ev)) break;
    if (isAcquisition(ev)) book.acquire(acqIdx++);
    else onDisposal(book.dispose(ev));
    last = ev;
    processed++;
  }
  return { book, last, processed };
}

function lotView(p: Piece): LotView {
  return {
    lot_id: p.acq.ev.id,
    piece: p.no,
    source: p.acq.ev.type as LotView['source'],
    acquired_time: new Date(p.acq.ev.ms).toISOString(),
    holding_start: formatISODate(p.holdDay),
    original_quantity: formatQty(p.origQty),
    original_basis: formatCents(p.origBasis),
    remaining_quantity: formatQty(p.qty),
    remaining_basis: formatCents(p.basis),
    wash_adjustment: formatCents(p.washAdj),
  };
}

function heldPieces(book: LotBook): Piece[] {
  const out: Piece[] = [];
  for (const acq of book.acqs) {
    if (!acq.available) break;
    for (const p of acq.pieces) if (p.qty > 0) out.push(p);
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
  const s = parseSettings(settingsInput);
  const c = new EventCollector(s, makeDayOf(s.tz));
  forEachCsvTransaction(csvText, (tx) => c.add(tx));
  return computeFromEvents(c.finish(), s);
}

function computeFromEvents(evs: Ev[], s: TaxSettings): TaxYearResult {
  if (s.year === undefined) throw new TaxInputError('is required', 'settings.year');
  const year = s.year;
  const prior = s.prior_year ? priorYearCents(s.prior_year) : null;
  const thisTI = s.taxable_income !== undefined ? parseCents(s.taxable_income) : null;
  const first = dayFromCivil(year, 1, 1);
  const lastDay = dayFromCivil(year, 12, 31);
  const bx = boxes(s);
  const table = new RowTable(s.asset_symbol, bx.short, bx.long);
  const acc: Record<string, number[]> = {};
  let st = 0, lt = 0, washInYear = 0;
  const onDisposal = (d: Disposal): void => {
    const ev = d.ev;
    if (ev.day < first) return;
    for (const p of d.portions) {
      const long = ev.day > p.threshold;
      const gain = p.proceeds - p.basis + p.adjustment;
      const t = (acc[BOX_LINE[long ? bx.long : bx.short]] ??= [0, 0, 0, 0]);
      t[0]! += p.proceeds;
      t[1]! += p.basis;
      t[2]! += p.adjustment;
      t[3]! += gain;
      if (long) lt += gain;
      else st += gain;
      washInYear += p.adjustment;
      table.add(ev, p.piece.acq.ev, p.qty, p.basis, p.proceeds, p.adjustment, p.holdDay, long, p.code === 'W', d.method);
    }
  };
  const { book, last, processed } = runBook(evs, s, (ev) => ev.day <= lastDay, s.wash_sale ? lastDay + WASH_WINDOW_DAYS : lastDay, onDisposal);
  const byLine: Record<string, CentTotals> = {};
  for (const [k, t] of Object.entries(acc)) {
    for (const x of t) assertSafeSum(x);
    byLine[k] = { proceeds: BigInt(t[0]!), cost: BigInt(t[1]!), adjustment: BigInt(t[2]!), gain: BigInt(t[3]!) };
  }
  const income: IncomeRow[] = [];
  let ordinary = 0;
  for (const ev of evs) {
    if (ev.day > lastDay) break;
    if (ev.day < first || ev.income === 0) continue;
    ordinary += ev.income;
    income.push({ id: ev.id, date: formatISODate(ev.day), type: ev.type as IncomeRow['type'], quantity: formatQty(ev.qty), price_usd: ev.price, amount_usd: formatCents(ev.income) });
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
      lots ??= held.map(lotView);
      return lots;
    },
    totals: { short_term_gain: formatCents(st), long_term_gain: formatCents(lt), ordinary_income: formatCents(ordinary), wash_sale_disallowed: formatCents(washInYear) },
    last_event_time: last ? new Date(last.ms).toISOString() : null,
    transactions_processed: processed,
  };
  TABLES.set(result, table);
  return result;
}

/** Sums of safe integers stay exact only below 2^53: refuse anything else. */
function assertSafeSum(x: number): void {
  if (!Number.isSafeInteger(x)) throw new RangeError('a total is outside the exact integer range');
}

function asOfMs(at: string, column: string): number {
  const ms = parseTimestamp(at);
  if (ms === null) throw new TaxInputError(`is not an ISO 8601 timestamp with offset or Z: ${JSON.stringify(at)}`, column);
  return ms;
}

function marketPrice(text: string, column: string): string {
  const problem = decimalProblem(text, PRICE_DECIMALS_MAX);
  if (problem) throw new TaxInputError(problem, column);
  if (text.startsWith('-')) throw new TaxInputError('must not be negative', column);
  return text;
}

/** Per lot still held at `as_of`: FMV at the market price, unrealized gain, term, days until long-term. */
export function unrealizedPositions(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput, market_price_usd: string, as_of: string): UnrealizedLot[] {
  const s = parseSettings(settingsInput);
  const price = marketPrice(market_price_usd, 'market_price_usd');
  const ms = asOfMs(as_of, 'as_of');
  const dayOf: DayOf = makeDayOf(s.tz);
  const today = dayOf(ms);
  const evs = prepareAll(transactions, s, dayOf);
  const { book } = runBook(evs, s, (ev) => ev.ms <= ms, -Infinity, () => undefined);
  return heldPieces(book).map((p) => {
    const fmv = valueCents(price, p.qty, '0', 1);
    const long = today > p.threshold;
    return {
      lot_id: p.acq.ev.id, piece: p.no, quantity: formatQty(p.qty), holding_start: formatISODate(p.holdDay), cost_basis: formatCents(p.basis),
      fmv: formatCents(fmv), unrealized_gain: formatCents(fmv - p.basis), term: long ? 'long' : 'short', days_until_long_term: long ? 0 : p.threshold + 1 - today,
    };
  });
}

/** The lots, proceeds and short/long gain that selling `quantity` at `price_usd` at time `at` would realize under the method in force. */
export function whatIfSale(
  transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput, quantity: string, price_usd: string, at: string,
  lots?: { id: string; quantity: string }[],
): WhatIfResult {
  const s = parseSettings(settingsInput);
  const problem = decimalProblem(quantity, QTY_DECIMALS);
  if (problem) throw new TaxInputError(problem, 'quantity');
  const qty = parseQtyN(quantity);
  if (qty <= 0) throw new TaxInputError('must be greater than 0', 'quantity');
  const price = marketPrice(price_usd, 'price_usd');
  const ms = asOfMs(at, 'at');
  const dayOf = makeDayOf(s.tz);
  const evs = prepareAll(transactions, s, dayOf);
  const { book } = runBook(evs, s, (ev) => ev.ms <= ms, -Infinity, () => undefined);
  const tx: TaxTransaction = { id: '(what-if)', time: at, type: 'sell', quantity, price_usd, fee_usd: '0', ...(lots ? { lots } : {}) };
  const ev: Ev = {
    i: -1, id: tx.id, row: undefined, price, type: 'sell', ms, day: dayOf(ms), qty, cents: valueCents(price, qty, '0', 1), income: 0,
    lots: lots ? lots.map((l) => {
      const pq = decimalProblem(l.quantity, QTY_DECIMALS);
      if (pq) throw new TaxInputError(pq, 'lots');
      return { id: l.id, qty: parseQtyN(l.quantity) };
    }) : null,
  };
  const d = book.dispose(ev);
  let st = 0, lt = 0, cost = 0, wash = 0;
  const portions: WhatIfPortion[] = d.portions.map((p) => {
    const long = ev.day > p.threshold;
    const gain = p.proceeds - p.basis + p.adjustment;
    if (long) lt += gain;
    else st += gain;
    cost += p.basis;
    wash += p.adjustment;
    return {
      lot_id: p.piece.acq.ev.id, piece: p.piece.no, quantity: formatQty(p.qty), holding_start: formatISODate(p.holdDay), term: long ? 'long' : 'short',
      proceeds: formatCents(p.proceeds), cost_basis: formatCents(p.basis), adjustment: formatCents(p.adjustment), gain: formatCents(gain),
    };
  });
  return {
    method: d.method, quantity: formatQty(qty), proceeds: formatCents(ev.cents), cost_basis: formatCents(cost),
    short_term_gain: formatCents(st), long_term_gain: formatCents(lt), wash_sale_disallowed: formatCents(wash), portions,
  };
}
