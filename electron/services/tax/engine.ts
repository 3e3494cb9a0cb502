// The yearly computation and the two live views (unrealized positions, what-if sale).
import { LotBook, WASH_WINDOW_DAYS, type Disposal, type Piece } from './book.js';
import { assertTimeZone, dayFromCivil, formatISODate, makeDayOf, parseTimestamp, type DayOf } from './dates.js';
import { decimalProblem, formatCents, formatQty, formatScaled, parseCents, parseQty, parseScaled, priceTimesQty, toCents, PRICE_DECIMALS_MAX, QTY_DECIMALS } from './fixed.js';
import { prepareAll, type Ev } from './prepare.js';
import { BOX_LINE, computeScheduleD, emptyTotals, priorYearCents, type CentTotals } from './schedule.js';
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
function runBook(evs: Ev[], s: TaxSettings, include: (ev: Ev) => boolean, lookaheadDay: number, keepFromDay: number): { book: LotBook; last: Ev | null; processed: number } {
  const acquisitions: Ev[] = [];
  for (const ev of evs) {
    if (!include(ev) && ev.day > lookaheadDay) break;
    if (isAcquisition(ev)) acquisitions.push(ev);
  }
  const book = new LotBook(acquisitions, { methodOrders: methodOrdersMs(s), washSale: s.wash_sale, keepFromDay });
  let acqIdx = 0;
  let last: Ev | null = null;
  let processed = 0;
  for (const ev of evs) {
    if (!include(ev)) break;
    if (isAcquisition(ev)) book.acquire(acqIdx++);
    else book.dispose(ev, ev.day >= keepFromDay);
    last = ev;
    processed++;
  }
  return { book, last, processed };
}

function lotView(p: Piece): LotView {
  return {
    lot_id: p.acq.ev.tx.id,
    piece: p.no,
    source: p.acq.ev.type as LotView['source'],
    acquired_time: p.acq.ev.tx.time,
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
    for (const p of acq.pieces) if (p.qty > 0n) out.push(p);
  }
  return out;
}

/** Computes the year: 8949 rows, Schedule D, carryovers, income, lots held at year end. */
export function computeTaxYear(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput): TaxYearResult {
  const s = parseSettings(settingsInput);
  if (s.year === undefined) throw new TaxInputError('is required', 'settings.year');
  const year = s.year;
  const prior = s.prior_year ? priorYearCents(s.prior_year) : null;
  const thisTI = s.taxable_income !== undefined ? parseCents(s.taxable_income) : null;
  const dayOf = makeDayOf(s.tz);
  const evs = prepareAll(transactions, s, dayOf);
  const first = dayFromCivil(year, 1, 1);
  const lastDay = dayFromCivil(year, 12, 31);
  const { book, last, processed } = runBook(evs, s, (ev) => ev.day <= lastDay, s.wash_sale ? lastDay + WASH_WINDOW_DAYS : lastDay, first);

  const bx = boxes(s);
  const rows: Form8949Row[] = [];
  const byLine: Record<string, CentTotals> = {};
  let st = 0n, lt = 0n;
  for (const d of book.disposals) {
    for (const r of disposalRows(d, s, bx)) {
      const t = (byLine[BOX_LINE[r.box]] ??= emptyTotals());
      t.proceeds += r.cents.proceeds;
      t.cost += r.cents.cost;
      t.adjustment += r.cents.adjustment;
      t.gain += r.cents.gain;
      if (r.row.term === 'long') lt += r.cents.gain;
      else st += r.cents.gain;
      rows.push(r.row);
    }
  }
  const income: IncomeRow[] = [];
  let ordinary = 0n;
  for (const ev of evs) {
    if (ev.day > lastDay) break;
    if (ev.day < first || ev.income === 0n) continue;
    ordinary += ev.income;
    income.push({ id: ev.tx.id, date: formatISODate(ev.day), type: ev.type as IncomeRow['type'], quantity: formatQty(ev.qty), price_usd: formatScaled(ev.price), amount_usd: formatCents(ev.income) });
  }
  let washInYear = 0n;
  for (const d of book.disposals) for (const p of d.portions) washInYear += p.adjustment;
  return {
    year,
    settings: s,
    rows,
    schedule_d: computeScheduleD(byLine, s.filing_status, prior, thisTI),
    income,
    lots: heldPieces(book).map(lotView),
    totals: { short_term_gain: formatCents(st), long_term_gain: formatCents(lt), ordinary_income: formatCents(ordinary), wash_sale_disallowed: formatCents(washInYear) },
    last_event_time: last ? last.tx.time : null,
    transactions_processed: processed,
  };
}

function* disposalRows(d: Disposal, s: TaxSettings, bx: { short: Box; long: Box }): Generator<{ row: Form8949Row; box: Box; cents: CentTotals }> {
  const ev = d.ev;
  const sold = formatISODate(ev.day);
  for (const p of d.portions) {
    const long = ev.day > p.threshold;
    const box = long ? bx.long : bx.short;
    const gain = p.proceeds - p.basis + p.adjustment;
    const q = formatQty(p.qty);
    yield {
      box,
      cents: { proceeds: p.proceeds, cost: p.basis, adjustment: p.adjustment, gain },
      row: {
        part: long ? 'II' : 'I', box, term: long ? 'long' : 'short', description: `${q} ${s.asset_symbol}`, quantity: q,
        date_acquired: formatISODate(p.holdDay), date_sold: sold, proceeds: formatCents(p.proceeds), cost_basis: formatCents(p.basis),
        code: p.code, adjustment: formatCents(p.adjustment), gain_loss: formatCents(gain), lot_id: p.piece.acq.ev.tx.id,
        disposal_id: ev.tx.id, disposal_type: ev.type as 'sell' | 'redeem', method: d.method,
      },
    };
  }
}

function asOfMs(at: string, column: string): number {
  const ms = parseTimestamp(at);
  if (ms === null) throw new TaxInputError(`is not an ISO 8601 timestamp with offset or Z: ${JSON.stringify(at)}`, column);
  return ms;
}

function marketPrice(text: string, column: string): { m: bigint; s: number } {
  const problem = decimalProblem(text, PRICE_DECIMALS_MAX);
  if (problem) throw new TaxInputError(problem, column);
  const v = parseScaled(text);
  if (v.m < 0n) throw new TaxInputError('must not be negative', column);
  return v;
}

/** Per lot still held at `as_of`: FMV at the market price, unrealized gain, term, days until long-term. */
export function unrealizedPositions(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput, market_price_usd: string, as_of: string): UnrealizedLot[] {
  const s = parseSettings(settingsInput);
  const price = marketPrice(market_price_usd, 'market_price_usd');
  const ms = asOfMs(as_of, 'as_of');
  const dayOf: DayOf = makeDayOf(s.tz);
  const today = dayOf(ms);
  const evs = prepareAll(transactions, s, dayOf);
  const { book } = runBook(evs, s, (ev) => ev.ms <= ms, -Infinity, Number.MAX_SAFE_INTEGER);
  return heldPieces(book).map((p) => {
    const fmv = toCents(priceTimesQty(price, p.qty));
    const long = today > p.threshold;
    return {
      lot_id: p.acq.ev.tx.id, piece: p.no, quantity: formatQty(p.qty), holding_start: formatISODate(p.holdDay), cost_basis: formatCents(p.basis),
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
  const qty = parseQty(quantity);
  if (qty <= 0n) throw new TaxInputError('must be greater than 0', 'quantity');
  const price = marketPrice(price_usd, 'price_usd');
  const ms = asOfMs(at, 'at');
  const dayOf = makeDayOf(s.tz);
  const evs = prepareAll(transactions, s, dayOf);
  const { book } = runBook(evs, s, (ev) => ev.ms <= ms, -Infinity, Number.MAX_SAFE_INTEGER);
  const tx: TaxTransaction = { id: '(what-if)', time: at, type: 'sell', quantity, price_usd, fee_usd: '0', ...(lots ? { lots } : {}) };
  const ev: Ev = {
    i: -1, tx, type: 'sell', ms, day: dayOf(ms), qty, price, cents: toCents(priceTimesQty(price, qty)), income: 0n,
    lots: lots ? lots.map((l) => {
      const pq = decimalProblem(l.quantity, QTY_DECIMALS);
      if (pq) throw new TaxInputError(pq, 'lots');
      return { id: l.id, qty: parseQty(l.quantity) };
    }) : null,
  };
  const d = book.dispose(ev, false);
  let st = 0n, lt = 0n, cost = 0n, wash = 0n;
  const portions: WhatIfPortion[] = d.portions.map((p) => {
    const long = ev.day > p.threshold;
    const gain = p.proceeds - p.basis + p.adjustment;
    if (long) lt += gain;
    else st += gain;
    cost += p.basis;
    wash += p.adjustment;
    return {
      lot_id: p.piece.acq.ev.tx.id, piece: p.piece.no, quantity: formatQty(p.qty), holding_start: formatISODate(p.holdDay), term: long ? 'long' : 'short',
      proceeds: formatCents(p.proceeds), cost_basis: formatCents(p.basis), adjustment: formatCents(p.adjustment), gain: formatCents(gain),
    };
  });
  return {
    method: d.method, quantity: formatQty(qty), proceeds: formatCents(ev.cents), cost_basis: formatCents(cost),
    short_term_gain: formatCents(st), long_term_gain: formatCents(lt), wash_sale_disallowed: formatCents(wash), portions,
  };
}
