// The tax state kept current as transactions arrive: the events, the lot book and each year's
// Schedule D sums. A new trade, mint or redemption is one book step, not a recompute of the
// history. computeTaxYear / unrealizedPositions / whatIfSale over the same transactions stay the
// reference (test/tax/live.test.ts checks that both agree on random histories).
//
// What it cannot follow step by step (an event earlier than one already applied, a standing
// order reaching back before the last event) throws NeedsFullRecompute: the owner rebuilds.
import { LotBook, type Disposal, type Portion, type Taken } from './book.js';
import { civilFromDay, makeDayOf, parseTimestamp, type DayOf } from './dates.js';
import { asOfMs, assertSafeSum, boxes, computeFromEvents, marketPrice, methodOrdersMs, parseSettings, saleLots, saleProceeds, unrealizedLot, whatIfResult } from './engine.js';
import { decimalProblem, formatCentsN as formatCents, formatQtyN as formatQty, mulDivRoundN as mulDivRound, parseQtyN, QTY_DECIMALS } from './fixed.js';
import { IdIndex } from './ids.js';
import { isAcquisitionCode, prepareAll, prepareOne, type EvStore } from './prepare.js';
import { BOX_LINE, computeScheduleD, type CentTotals } from './schedule.js';
import { WASH_WINDOW_DAYS, type LateWash } from './wash.js';
import { assert } from '../../../shared/assert.js';
import {
  LIMITS, TaxInputError, type Box, type LotSource, type LotMethod, type MethodOrder, type ScheduleD, type TaxSettings, type TaxSettingsInput, type TaxTransaction, type TaxYearResult,
  type TaxWarning, type UnrealizedLot, type WhatIfResult,
} from './types.js';

/** The live state cannot take this change step by step; rebuild it from the whole history. */
export class NeedsFullRecompute extends Error {
  override name = 'NeedsFullRecompute';
}

/** One year's sums in cents, as computeTaxYear adds them. */
interface YearSums {
  /** Per Schedule D line: proceeds, cost, adjustment, gain. */
  lines: Record<string, number[]>;
  short_term: number;
  long_term: number;
  wash: number;
  rows: number;
  ordinary: number;
}

export interface YearFigures {
  year: number;
  row_count: number;
  schedule_d: ScheduleD;
  totals: TaxYearResult['totals'];
}

const SOURCES: { source: LotSource; code: number }[] = [
  { source: 'mint', code: 2 }, { source: 'buy', code: 0 }, { source: 'income', code: 4 },
];

export class LiveTax {
  private readonly dayOf: DayOf;
  private readonly bx: { short: Box; long: Box };
  private readonly ids: IdIndex;
  private readonly book: LotBook;
  private readonly methodOrders: { ms: number; method: MethodOrder['method'] }[];
  private readonly years = new Map<number, YearSums>();
  /** Union-find over acquisitions: the next one at or after `a` that may still hold units. */
  private nextHeld = new Int32Array(1024);
  private lastMs = -Infinity;
  /** Set when a transaction could not be applied: the history is wrong and every answer would be too. */
  private broken: Error | null = null;

  private constructor(readonly settings: TaxSettings, private readonly ev: EvStore) {
    this.dayOf = makeDayOf(settings.tz);
    this.bx = boxes(settings);
    this.ids = new IdIndex(() => this.ev.id, Math.max(1024, ev.n));
    this.methodOrders = methodOrdersMs(settings);
    this.book = new LotBook(ev, new Int32Array(0), {
      methodOrders: this.methodOrders, washSale: settings.wash_sale, trackPending: true, specificFallback: settings.specific_without_lots === 'fifo',
    });
    for (let i = 0; i < this.nextHeld.length; i++) this.nextHeld[i] = i;
  }

  /** The whole history (validated, put in time order like computeTaxYear), then kept current by apply(). */
  static build(transactions: readonly TaxTransaction[], settingsInput: TaxSettingsInput): LiveTax {
    const s = parseSettings(settingsInput);
    const live = new LiveTax({ ...s, method_orders: [...s.method_orders] }, prepareAll(transactions, s, makeDayOf(s.tz)));
    for (let e = 0; e < live.ev.n; e++) {
      live.ids.add(e);
      live.step(e);
    }
    return live;
  }

  /** Transactions applied. */
  get count(): number {
    return this.ev.n;
  }

  /**
   * Applies one new transaction. Throws TaxInputError for a bad or impossible one (the state is
   * then unusable: rebuild), NeedsFullRecompute for one earlier than the last applied.
   */
  apply(tx: TaxTransaction): void {
    this.assertUsable();
    if (this.ev.n >= LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} transactions`, 'id', tx.id, tx.row);
    const one = prepareOne(tx, this.settings, this.dayOf);
    if (one.ms < this.lastMs) throw new NeedsFullRecompute(`transaction ${tx.id} is earlier than one already applied`);
    this.ev.push(one);
    if (!this.ids.add(this.ev.n - 1)) {
      this.ev.pop();
      throw new TaxInputError(`duplicate id ${JSON.stringify(tx.id)}`, 'id', tx.id, tx.row);
    }
    try {
      this.step(this.ev.n - 1);
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
  }

  private assertUsable(): void {
    if (this.broken) throw this.broken;
  }

  /** A standing order from now on. Throws NeedsFullRecompute when it starts before the last event. */
  addMethodOrder(order: MethodOrder): void {
    const ms = parseTimestamp(order.effective_from);
    if (ms === null) throw new TaxInputError('must be an ISO 8601 timestamp with offset or Z', 'settings.method_orders.effective_from');
    const last = this.methodOrders.at(-1);
    if (!(ms > this.lastMs) || (last && !(ms > last.ms))) throw new NeedsFullRecompute('the standing order starts before events already applied');
    this.methodOrders.push({ ms, method: order.method }); // the book reads this array
    this.settings.method_orders.push(order);
  }

  private step(e: number): void {
    const ev = this.ev;
    this.lastMs = ev.ms[e] as number;
    if (isAcquisitionCode(ev.type[e] as number)) {
      const late = this.book.appendAcquisition(e);
      this.ensureHeldIndex(this.book.nAcq);
      const income = ev.income[e] as number;
      if (income > 0) this.sums(ev.day[e] as number).ordinary += income;
      for (const w of late) this.lateWash(w);
      return;
    }
    const d = this.book.dispose(e);
    this.countDisposal(d);
    for (const p of d.portions) {
      const a = this.book.pAcq[p.piece] as number;
      if (this.book.firstHeld(a) < 0) this.nextHeld[a] = a + 1;
    }
  }

  private sums(day: number): YearSums {
    const y = civilFromDay(day).y;
    let s = this.years.get(y);
    if (!s) {
      s = { lines: {}, short_term: 0, long_term: 0, wash: 0, rows: 0, ordinary: 0 };
      this.years.set(y, s);
    }
    return s;
  }

  private lineOf(day: number, p: Portion): { long: boolean; t: number[] } {
    const long = day > p.threshold;
    const s = this.sums(day);
    return { long, t: (s.lines[BOX_LINE[long ? this.bx.long : this.bx.short]] ??= [0, 0, 0, 0]) };
  }

  private countDisposal(d: Disposal): void {
    const day = this.ev.day[d.e] as number;
    const s = this.sums(day);
    for (const p of d.portions) {
      const { long, t } = this.lineOf(day, p);
      const gain = p.proceeds - p.basis + p.adjustment;
      t[0]! += p.proceeds;
      t[1]! += p.basis;
      t[2]! += p.adjustment;
      t[3]! += gain;
      if (long) s.long_term += gain;
      else s.short_term += gain;
      s.wash += p.adjustment;
      s.rows++;
    }
  }

  /** A purchase matched an earlier loss sale: that sale's year gets the disallowed amount. */
  private lateWash(w: LateWash): void {
    if (w.added === 0) return;
    const day = this.ev.day[w.e] as number;
    const s = this.sums(day);
    const { long, t } = this.lineOf(day, w.portion);
    t[2]! += w.added;
    t[3]! += w.added;
    if (long) s.long_term += w.added;
    else s.short_term += w.added;
    s.wash += w.added;
  }

  private ensureHeldIndex(n: number): void {
    if (n + 1 <= this.nextHeld.length) return;
    const old = this.nextHeld;
    const grown = new Int32Array(Math.max(n + 1, old.length * 2));
    grown.set(old);
    for (let i = old.length; i < grown.length; i++) grown[i] = i;
    this.nextHeld = grown;
  }

  private findHeld(i: number): number {
    const nh = this.nextHeld;
    let r = i;
    while (nh[r] !== r) r = nh[r] as number;
    while (nh[i] !== r) {
      const n = nh[i] as number;
      nh[i] = r;
      i = n;
    }
    return r;
  }

  // ---- views ----

  /** The year's figures as computeTaxYear gives them (no prior-year carryover input). */
  year(year: number): YearFigures {
    this.assertUsable();
    const s = this.years.get(year) ?? { lines: {}, short_term: 0, long_term: 0, wash: 0, rows: 0, ordinary: 0 };
    const byLine: Record<string, CentTotals> = {};
    for (const [k, t] of Object.entries(s.lines)) {
      for (const x of t) assertSafeSum(x);
      byLine[k] = { proceeds: BigInt(t[0]!), cost: BigInt(t[1]!), adjustment: BigInt(t[2]!), gain: BigInt(t[3]!) };
    }
    for (const x of [s.short_term, s.long_term, s.wash, s.ordinary]) assertSafeSum(x);
    return {
      year,
      row_count: s.rows,
      schedule_d: computeScheduleD(byLine, this.settings.filing_status, null, null),
      totals: { short_term_gain: formatCents(s.short_term), long_term_gain: formatCents(s.long_term), ordinary_income: formatCents(s.ordinary), wash_sale_disallowed: formatCents(s.wash) },
    };
  }

  /** Time of the moment a view is computed for: `at`, or the last event if that is later (a sale "now" comes after every known event). */
  private viewMs(at: string, column: string): number {
    return Math.max(asOfMs(at, column), this.lastMs);
  }

  /** Lots held now (in acquisition order, like unrealizedPositions), at most `limit`. */
  heldLots(market_price_usd: string, as_of: string, limit: number): { lots: UnrealizedLot[]; truncated: boolean } {
    this.assertUsable();
    const price = marketPrice(market_price_usd, 'market_price_usd');
    const today = this.dayOf(this.viewMs(as_of, 'as_of'));
    const b = this.book;
    const lots: UnrealizedLot[] = [];
    for (let a = this.findHeld(0); a < b.acquiredThrough; a = this.findHeld(a + 1)) {
      for (const p of b.piecesOf(a)) {
        if ((b.pQty[p] as number) === 0) continue;
        if (lots.length === limit) return { lots, truncated: true };
        lots.push(unrealizedLot(b, p, price, today));
      }
    }
    return { lots, truncated: false };
  }

  /** Tokens held by how they were acquired: quantity and remaining basis. */
  holdings(): { source: LotSource; quantity: string; cost_basis: string }[] {
    this.assertUsable();
    const b = this.book;
    return SOURCES.filter((s) => (b.heldQtyByType[s.code] as number) > 0).map((s) => ({
      source: s.source, quantity: formatQty(b.heldQtyByType[s.code] as number), cost_basis: formatCents(b.heldBasisByType[s.code] as number),
    }));
  }

  /**
   * What selling `quantity` at `price_usd` now would realize, as whatIfSale computes it; changes
   * nothing. `lots`: the lots chosen (specific identification), else the standing method's;
   * `fee_usd`: the sale's fee, taken from the proceeds.
   */
  whatIf(quantity: string, price_usd: string, at: string, lots?: readonly { id: string; quantity: string }[], fee_usd = '0'): WhatIfResult {
    this.assertUsable();
    const problem = decimalProblem(quantity, QTY_DECIMALS);
    if (problem) throw new TaxInputError(problem, 'quantity');
    const qty = parseQtyN(quantity);
    if (qty <= 0) throw new TaxInputError('must be greater than 0', 'quantity');
    const price = marketPrice(price_usd, 'price_usd');
    const proceeds = saleProceeds(price, qty, fee_usd);
    const refs = lots ? saleLots(lots, qty) : null;
    const ms = this.viewMs(at, 'at');
    const b = this.book;
    if (qty > b.held) throw new TaxInputError(`sell of ${formatQty(qty)} but only ${formatQty(b.held)} held at ${new Date(ms).toISOString()}`, 'quantity', '(what-if)');
    let taken: Taken[];
    let method: LotMethod;
    let needs = false;
    if (refs) {
      const bad = b.specificProblem(refs);
      if (bad !== null) throw new TaxInputError(bad, 'lots', '(what-if)');
      taken = b.trialSpecific(refs);
      method = 'specific';
    } else {
      const trial = b.trialOrder(ms);
      // Under specific ID without a choice: what a fill without one gets (FIFO), flagged.
      needs = trial.method === 'specific';
      method = needs ? 'fifo' : trial.method;
      taken = [];
      let need = qty;
      for (const p of trial.order) {
        const have = b.pQty[p] as number;
        const take = need < have ? need : have;
        taken.push({ piece: p, qty: take, basis: take === have ? (b.pBasis[p] as number) : mulDivRound(b.pBasis[p] as number, take, have) });
        need -= take;
        if (need === 0) break;
      }
      if (need !== 0) throw new Error('tax engine invariant violated: the pool holds what `held` says');
    }
    const portions = b.allocateProceeds(proceeds, qty, taken);
    const day = this.dayOf(ms);
    if (this.settings.wash_sale) this.trialWash(portions, taken, day);
    return whatIfResult(b, method, portions, day, qty, proceeds, needs);
  }

  /** Disposals in `year` that did not take the lots their order chose, or named none under specific ID. */
  warnings(year: number): TaxWarning[] {
    this.assertUsable();
    const out: TaxWarning[] = [];
    for (const w of this.book.warnings) if (civilFromDay(this.ev.day[w.e] as number).y === year) out.push(this.book.warningView(w));
    return out;
  }

  /** The wash-sale matching of the book (wash.ts), read-only: what this sale's loss portions would match now. */
  private trialWash(portions: Portion[], taken: readonly Taken[], saleDay: number): void {
    const b = this.book;
    const wash = b.wash;
    assert(wash !== null, 'a book made with wash sales on');
    const used = new Map<number, number>();
    for (const t of taken) used.set(t.piece, t.qty); // units the sale itself takes are out of the book
    for (const portion of portions) {
      const loss = portion.basis - portion.proceeds;
      if (loss <= 0) continue;
      const excluded = b.pAcq[portion.piece] as number;
      let need = portion.qty;
      for (let a = wash.findEligible(b.lowerBoundDay(saleDay - WASH_WINDOW_DAYS)); need > 0 && a < b.nAcq; a = wash.findEligible(a + 1)) {
        if (b.acqDay(a) > saleDay + WASH_WINDOW_DAYS) break;
        if (a === excluded) continue;
        for (const p of b.piecesOf(a)) {
          if (need === 0) break;
          if (b.pAbsorbed[p] === 1) continue;
          const have = (b.pQty[p] as number) - (used.get(p) ?? 0);
          if (have <= 0) continue;
          const m = need < have ? need : have;
          used.set(p, (used.get(p) ?? 0) + m);
          need -= m;
        }
      }
      const matched = portion.qty - need;
      if (matched === 0) continue;
      const disallowed = matched === portion.qty ? loss : mulDivRound(loss, matched, portion.qty);
      portion.adjustment += disallowed;
      if (disallowed > 0) portion.code = 'W';
    }
  }

  /** The full computation of a year over the same events (the report files need every row). */
  fullYear(year: number, data_as_of: string): TaxYearResult {
    this.assertUsable();
    return computeFromEvents(this.ev, { ...this.settings, year, data_as_of });
  }
}
