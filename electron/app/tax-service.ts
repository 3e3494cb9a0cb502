// The wallet API's tax features over the tax engine: the year's summary, held lots with
// unrealized gains, the what-if of a sale, and the report files. Input is the local
// ledger; settings (lot method standing orders, policies) live in settings.json.
import { ReportExports } from './report-exports.js';
import type { Ledger } from '../services/ledger/index.js';
import { buildReportFiles, computeTaxYear, TaxInputError, unrealizedPositions, whatIfSale, type TaxSettingsInput, type TaxTransaction } from '../services/tax/index.js';
import { transactionsFromLedger } from '../services/tax/from-ledger.js';
import { WalletApiError, type MethodResponse } from '../../shared/contract/wallet-api.js';
import type { TaxSettingsView } from '../../shared/contract/tax.js';
import { dec, formatCents, toCanonical, ZERO } from '../../shared/money.js';
import { loadSettings, saveSettings, type Settings } from './settings.js';

/** A value over the whole history is recomputed at most once per this many times its own cost. */
const RECOMPUTE_COST_FACTOR = 10;

/**
 * A value computed from the whole ledger history on the main thread (seconds at a million
 * transactions): recomputed when its key changes, or when the ledger moved and at least
 * RECOMPUTE_COST_FACTOR × its last cost has passed, so it never takes more than ~10% of the
 * thread. The value says which event it includes (as_of_seq); the screens ask again while
 * it trails.
 */
export class Recompute<T> {
  private memo: { key: string; cursor: number; value: T; at_ms: number; cost_ms: number } | null = null;

  constructor(private readonly now_ms: () => number = () => performance.now()) {}

  get(key: string, cursor: number, compute: () => T): T {
    const m = this.memo;
    if (m && m.key === key && (m.cursor === cursor || this.now_ms() - m.at_ms < RECOMPUTE_COST_FACTOR * m.cost_ms)) return m.value;
    const t0 = this.now_ms();
    const value = compute();
    const at_ms = this.now_ms();
    this.memo = { key, cursor, value, at_ms, cost_ms: at_ms - t0 };
    return value;
  }
}

/** Held lots returned to the screen at most. */
const HELD_LOTS_MAX = 1000;

type TaxSettings = NonNullable<Settings['tax']>;
const DEFAULTS: TaxSettings = { method_orders: [], mint_basis: 'allocated', wash_sale: false, digital_asset: false, filing_status: 'single' };

export class TaxService {
  private readonly summaries = new Recompute<MethodResponse<'getTaxSummary'>>();
  private readonly holdings_by_origin = new Recompute<MethodResponse<'getHoldings'>>();
  private readonly exports: ReportExports;

  constructor(
    private readonly ledger: Ledger,
    private readonly settings_file: string,
    reports_dir: string,
    private readonly lastPrice: () => string | null,
    private readonly now: () => Date = () => new Date(),
    /** The token's symbol from the platform's instrument, for the report rows ("12.5 CMPT"). */
    private readonly assetSymbol: () => string | null = () => null,
  ) {
    this.exports = new ReportExports(reports_dir);
  }

  private stored(): TaxSettings {
    return { ...DEFAULTS, ...loadSettings(this.settings_file).tax };
  }

  settings(): TaxSettingsView {
    const t = this.stored();
    const last = t.method_orders.at(-1);
    return { ...t, method: last ? last.method : 'fifo' };
  }

  update(change: Partial<Omit<TaxSettingsView, 'method_orders'>>): TaxSettingsView {
    const all = loadSettings(this.settings_file);
    const t = { ...DEFAULTS, ...all.tax };
    const { method, ...policies } = change;
    const current = t.method_orders.at(-1)?.method ?? 'fifo';
    if (method !== undefined && method !== current) {
      // A standing order for later disposals only: the past stays as it was computed.
      t.method_orders = [...t.method_orders, { method, effective_from: this.now().toISOString() }];
    }
    saveSettings(this.settings_file, { ...all, tax: { ...t, ...policies } });
    return this.settings();
  }

  private engineSettings(data_as_of: string): TaxSettingsInput {
    const t = this.stored();
    const asset_symbol = this.assetSymbol();
    return { method_orders: t.method_orders, mint_basis: t.mint_basis, wash_sale: t.wash_sale, digital_asset: t.digital_asset, filing_status: t.filing_status, data_as_of, ...(asset_symbol ? { asset_symbol } : {}) };
  }

  private input(): { tx: TaxTransaction[]; data_as_of: string } {
    const { transactions, data_as_of } = transactionsFromLedger(this.ledger.database());
    return { tx: transactions, data_as_of };
  }

  summary(year: number): MethodResponse<'getTaxSummary'> {
    const cursor = this.ledger.cursorSeq();
    const key = JSON.stringify([year, this.stored(), this.lastPrice()]);
    return this.summaries.get(key, cursor, () => this.computeSummary(year, cursor));
  }

  private computeSummary(year: number, cursor: number): MethodResponse<'getTaxSummary'> {
    const { tx, data_as_of } = this.input();
    const s = this.engineSettings(data_as_of);
    const r = guard(() => computeTaxYear(tx, { ...s, year }));
    const price = this.lastPrice();
    const held = price ? guard(() => unrealizedPositions(tx, s, price, this.now().toISOString())) : [];
    const d = r.schedule_d;
    const sum = (a: typeof d.line3, b: typeof d.line3, c: typeof d.line3) => ({
      proceeds: add(a.proceeds, b.proceeds, c.proceeds), cost: add(a.cost, b.cost, c.cost), adjustment: add(a.adjustment, b.adjustment, c.adjustment), gain: add(a.gain, b.gain, c.gain),
    });
    return {
      year,
      data_as_of,
      as_of_seq: cursor,
      transactions: tx.length,
      rows: r.row_count,
      short_term: sum(d.line1b, d.line2, d.line3),
      long_term: sum(d.line8b, d.line9, d.line10),
      ordinary_income: r.totals.ordinary_income,
      line16: d.line16,
      line21: d.line21,
      carryover_short_term: d.carryover_short_term,
      carryover_long_term: d.carryover_long_term,
      lots: held.slice(0, HELD_LOTS_MAX).map((l) => ({
        lot_id: l.lot_id, source: l.source, piece: l.piece, holding_start: l.holding_start, quantity: l.quantity, cost_basis: l.cost_basis,
        fmv: l.fmv, unrealized_gain: l.unrealized_gain, term: l.term, days_until_long_term: l.days_until_long_term,
      })),
      lots_truncated: held.length > HELD_LOTS_MAX,
      settings: this.settings(),
    };
  }

  /**
   * Held tokens by source, for the overview: minted tokens came from compute already paid
   * for (worst case: zero), bought ones are money at risk; the screen must not blur the two.
   * The overview asks again on every portfolio push: recomputed at a bounded rate (Recompute).
   */
  holdings(): MethodResponse<'getHoldings'> {
    const cursor = this.ledger.cursorSeq();
    return this.holdings_by_origin.get(JSON.stringify(this.stored()), cursor, () => this.computeHoldings(cursor));
  }

  private computeHoldings(cursor: number): MethodResponse<'getHoldings'> {
    const { tx, data_as_of } = this.input();
    // The price only values the lots, which this answer leaves to the screen.
    const held = guard(() => unrealizedPositions(tx, this.engineSettings(data_as_of), '0', this.now().toISOString()));
    const groups = (['mint', 'buy', 'income'] as const).flatMap((source) => {
      const lots = held.filter((l) => l.source === source);
      if (lots.length === 0) return [];
      const quantity = lots.reduce((acc, l) => acc.plus(dec(l.quantity)), ZERO);
      const cost = lots.reduce((acc, l) => acc.plus(dec(l.cost_basis)), ZERO);
      return [{ source, quantity: toCanonical(quantity), cost_basis: formatCents(cost) }];
    });
    return { data_as_of, as_of_seq: cursor, groups };
  }

  whatIf(quantity: string, price_usd: string | undefined): MethodResponse<'whatIfSale'> {
    const price = price_usd ?? this.lastPrice();
    if (!price) throw new WalletApiError('no_price', 'No market price is known yet: enter the price to test.');
    const { tx, data_as_of } = this.input();
    const r = guard(() => whatIfSale(tx, this.engineSettings(data_as_of), quantity, price, this.now().toISOString()));
    return {
      method: r.method, quantity: r.quantity, price_usd: price, proceeds: r.proceeds, cost_basis: r.cost_basis,
      short_term_gain: r.short_term_gain, long_term_gain: r.long_term_gain,
      portions: r.portions.slice(0, 1000).map((p) => ({ lot_id: p.lot_id, quantity: p.quantity, holding_start: p.holding_start, term: p.term, proceeds: p.proceeds, cost_basis: p.cost_basis, gain: p.gain })),
    };
  }

  async export(year: number): Promise<MethodResponse<'exportTaxReport'>> {
    const { tx, data_as_of } = this.input();
    const r = guard(() => computeTaxYear(tx, { ...this.engineSettings(data_as_of), year }));
    const at = this.now();
    const files = await buildReportFiles(r, { data_as_of, generated_at: at.toISOString() });
    return this.exports.write(year, files, data_as_of, at);
  }

  /** Past exports with their "data as of", newest first. */
  listExports(): MethodResponse<'listTaxExports'> {
    return { exports: this.exports.list() };
  }

  /** A past export's file, by export id and name (checked against its manifest); never a path from outside. */
  reportFile(export_id: string, name: string): { path: string; bytes: number } {
    const f = this.exports.file(export_id, name);
    if (!f) throw new WalletApiError('not_found', `No file ${name} in export ${export_id}.`);
    return f;
  }
}

/** Sum of cent amounts, exact, printed with two decimals. */
function add(...xs: string[]): string {
  return formatCents(xs.reduce((acc, x) => acc.plus(dec(x)), ZERO));
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TaxInputError) throw new WalletApiError('tax_input', err.message);
    throw err;
  }
}
