// The wallet API's tax features: the year's summary, held lots with unrealized gains, holdings
// by origin, the what-if of a sale, the report files, and the `tax` view pushed when they change.
// The figures live in a worker thread (services/tax/worker.ts) that reads the ledger file once
// and is then kept current by the committed batches (onLedgerApplied), one transaction at a
// time; so no call here waits for a recompute on the main thread. Settings (lot method standing
// orders, policies) live in settings.json.
import { walletDbKeyFor } from '../services/db/cipher.js';
import { ReportExports } from './report-exports.js';
import { sqliteNativeBinding } from '../services/native/sqlite-binding.js';
import type { Ledger } from '../services/ledger/index.js';
import { transactionFromEvent } from '../services/tax/from-ledger.js';
import { TaxWorkerClient, TaxWorkerError } from '../services/tax/worker-client.js';
import type { ExportAnswer, HoldingsAnswer, OrderLots, SummaryAnswer, ViewAnswer, WorkerSettings } from '../services/tax/worker-protocol.js';
import type { WhatIfResult } from '../services/tax/index.js';
import { WalletApiError, type MethodResponse } from '../../shared/contract/wallet-api.js';
import { TAX_WARNINGS_MAX, type LotPick, type TaxSettingsView, type TaxView } from '../../shared/contract/tax.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { formatCents, dec, ZERO } from '../../shared/money.js';
import { loadSettings, saveSettings, type Settings } from './settings.js';

/** Held lots returned to the screen at most. */
const HELD_LOTS_MAX = 1000;

type TaxSettings = NonNullable<Settings['tax']>;
const DEFAULTS: TaxSettings = { method_orders: [], mint_basis: 'allocated', wash_sale: false, digital_asset: false, filing_status: 'single' };

export interface LedgerBatch {
  /** The platform events the batch applied, in seq order, already validated. */
  events: readonly AccountEvent[];
  cursor_seq: number;
}

export class TaxService {
  private readonly worker: TaxWorkerClient;
  private readonly exports: ReportExports;
  private readonly listeners = new Set<(view: TaxView) => void>();
  /** The ledger cursor the worker was last told about (batches or a sync). */
  private sent_seq: number;
  /** A view is being made; `stale` asks for one more when it is done (one push per change, coalesced). */
  private pushing = false;
  private stale = false;

  constructor(
    private readonly ledger: Ledger,
    private readonly settings_file: string,
    reports_dir: string,
    private readonly lastPrice: () => string | null,
    private readonly now: () => Date = () => new Date(),
    private readonly onFault: (err: Error) => void = () => undefined,
    /** Sell orders placed here with the lots they chose (the orders module keeps them). */
    orderLots: () => readonly { client_order_id: string; lots: readonly LotPick[] }[] = () => [],
  ) {
    if (ledger.path === ':memory:') throw new Error('the tax service needs a ledger file (its worker reads it)');
    this.exports = new ReportExports(reports_dir);
    this.worker = new TaxWorkerClient((_seq, view) => this.changed(view), onFault);
    this.sent_seq = ledger.cursorSeq();
    const native_binding = sqliteNativeBinding();
    const order_lots = orderLots().map((o) => toWorkerLots(o.client_order_id, o.lots));
    const key = walletDbKeyFor(ledger.path);
    this.worker.send({
      kind: 'configure',
      ledger_path: ledger.path,
      ...(native_binding ? { native_binding } : {}),
      ...(key ? { db_key_hex: key.toString('hex') } : {}),
      settings: this.workerSettings(),
      order_lots,
    });
  }

  /**
   * A sell order chose its lots: its fills take them (in order; a lot gone by then falls back to
   * the standing method, with a warning in the summary and the report). Call before the order can
   * fill (the worker reads its messages in order, and a fill reaches it only through a later batch).
   */
  orderLotsChosen(client_order_id: string, lots: readonly LotPick[]): void {
    this.worker.send({ kind: 'order_lots', choice: toWorkerLots(client_order_id, lots) });
  }

  /** Refuses lots that cannot be sold now (not held, not enough left, not adding up to `quantity`): a tax_input error naming the lot. */
  async checkLots(quantity: string, lots: readonly LotPick[]): Promise<void> {
    await this.ask<WhatIfResult>({ what: 'whatif', quantity, price: '1', now: this.now().toISOString(), lots: lots.map((l) => ({ id: l.lot_id, quantity: l.quantity })) });
  }

  /** Called after each committed ledger batch: the worker applies its fills, mints and redemptions. */
  onLedgerApplied(batch: LedgerBatch): void {
    const items = batch.events.map((e) => ({ seq: e.seq, tx: transactionFromEvent(e) }));
    const last = batch.events.at(-1);
    this.sent_seq = Math.max(this.sent_seq, batch.cursor_seq);
    // With subscribers, the worker sends the new view along with the change (one round trip).
    const view = this.listeners.size > 0 ? { year: this.now().getUTCFullYear(), price: this.lastPrice(), now: this.now().toISOString(), lots_max: HELD_LOTS_MAX } : null;
    this.worker.send({ kind: 'events', items, cursor_seq: batch.cursor_seq, cursor_time: last?.time ?? null, view });
  }

  /** An entry was reversed (or anything else the batches do not show): recompute from the ledger file. */
  invalidate(): void {
    this.worker.send({ kind: 'rebuild' });
  }

  /** `listener` gets the tax view each time it changes. Returns the unsubscribe function. */
  subscribe(listener: (view: TaxView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.worker.close();
  }

  private stored(): TaxSettings {
    return { ...DEFAULTS, ...loadSettings(this.settings_file).tax };
  }

  private workerSettings(): WorkerSettings {
    const t = this.stored();
    return { method_orders: t.method_orders, mint_basis: t.mint_basis, wash_sale: t.wash_sale, digital_asset: t.digital_asset, filing_status: t.filing_status };
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
    this.worker.send({ kind: 'settings', settings: this.workerSettings() });
    return this.settings();
  }

  /** The worker trails the ledger only if a batch was not forwarded: then it reads the file. */
  private current(): void {
    const cursor = this.ledger.cursorSeq();
    if (cursor > this.sent_seq) {
      this.sent_seq = cursor;
      this.worker.send({ kind: 'sync' });
    }
  }

  private async ask<A>(q: Parameters<TaxWorkerClient['ask']>[0]): Promise<A> {
    this.current();
    try {
      return await this.worker.ask<never>(q);
    } catch (err) {
      if (err instanceof TaxWorkerError && err.code === 'tax_input') throw new WalletApiError('tax_input', err.message);
      throw err;
    }
  }

  async summary(year: number): Promise<MethodResponse<'getTaxSummary'>> {
    return this.summaryView(year, await this.ask<SummaryAnswer>({ what: 'summary', year, price: this.lastPrice(), now: this.now().toISOString(), lots_max: HELD_LOTS_MAX }));
  }

  private summaryView(year: number, a: SummaryAnswer): MethodResponse<'getTaxSummary'> {
    const d = a.figures.schedule_d;
    const sum = (a: typeof d.line3, b: typeof d.line3, c: typeof d.line3) => ({
      proceeds: add(a.proceeds, b.proceeds, c.proceeds), cost: add(a.cost, b.cost, c.cost), adjustment: add(a.adjustment, b.adjustment, c.adjustment), gain: add(a.gain, b.gain, c.gain),
    });
    return {
      year,
      data_as_of: a.data_as_of,
      as_of_seq: a.as_of_seq,
      transactions: a.transactions,
      rows: a.figures.row_count,
      short_term: sum(d.line1b, d.line2, d.line3),
      long_term: sum(d.line8b, d.line9, d.line10),
      ordinary_income: a.figures.totals.ordinary_income,
      line16: d.line16,
      line21: d.line21,
      carryover_short_term: d.carryover_short_term,
      carryover_long_term: d.carryover_long_term,
      lots: a.lots, // the engine's UnrealizedLot is the contract's HeldLot, field for field
      lots_truncated: a.lots_truncated,
      warnings: a.warnings.slice(0, TAX_WARNINGS_MAX),
      warnings_truncated: a.warnings.length > TAX_WARNINGS_MAX,
      settings: this.settings(),
    };
  }

  /**
   * Held tokens by source, for the overview: minted tokens came from compute already paid
   * for (worst case: zero), bought ones are money at risk; the screen must not blur the two.
   */
  async holdings(): Promise<MethodResponse<'getHoldings'>> {
    return holdingsView(await this.ask<HoldingsAnswer>({ what: 'holdings' }));
  }

  /** The sale's lots and gains now; `lots`: the lots chosen (specific identification), else the method in force. */
  async whatIf(quantity: string, price_usd: string | undefined, lots?: readonly LotPick[], fee_usd?: string): Promise<MethodResponse<'whatIfSale'>> {
    const price = price_usd ?? this.lastPrice();
    if (!price) throw new WalletApiError('no_price', 'No market price is known yet: enter the price to test.');
    const named = lots?.map((l) => ({ id: l.lot_id, quantity: l.quantity }));
    const r = await this.ask<WhatIfResult>({ what: 'whatif', quantity, price, now: this.now().toISOString(), ...(named ? { lots: named } : {}), ...(fee_usd ? { fee: fee_usd } : {}) });
    return {
      method: r.method, needs_lot_selection: r.needs_lot_selection, quantity: r.quantity, price_usd: price, proceeds: r.proceeds, cost_basis: r.cost_basis,
      short_term_gain: r.short_term_gain, long_term_gain: r.long_term_gain,
      portions: r.portions.slice(0, 1000).map((p) => ({ lot_id: p.lot_id, acquired_date: p.acquired_date, quantity: p.quantity, holding_start: p.holding_start, term: p.term, proceeds: p.proceeds, cost_basis: p.cost_basis, gain: p.gain })),
    };
  }

  /** The six report files, computed and written by the worker (temp names, then renames). */
  async export(year: number): Promise<MethodResponse<'exportTaxReport'>> {
    const at = this.now();
    const built = await this.ask<ExportAnswer>({ what: 'export', year, now: at.toISOString() });
    return this.exports.write(year, built.files, built.data_as_of, at);
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

  /** The view for the subscribers: this year's summary and the holdings, or why there are none. */
  async view(): Promise<TaxView> {
    try {
      // Both questions leave in the same tick, so the worker answers them at the same ledger point.
      const [summary, holdings] = await Promise.all([this.summary(this.now().getUTCFullYear()), this.holdings()]);
      return { as_of_seq: summary.as_of_seq, summary, holdings, problem: null };
    } catch (err) {
      if (!(err instanceof WalletApiError)) throw err;
      return { as_of_seq: this.sent_seq, summary: null, holdings: null, problem: err.message };
    }
  }

  private emit(v: TaxView): void {
    for (const l of this.listeners) {
      try {
        l(v);
      } catch (err) {
        this.onFault(err as Error); // one listener's bug neither stops the others nor the next push
      }
    }
  }

  /** The worker's figures changed; `ready` is the new view when it came along (see onLedgerApplied). */
  private changed(ready?: ViewAnswer): void {
    if (this.listeners.size === 0) return;
    if (this.pushing) {
      this.stale = true; // a view is being asked for: ask once more after it, never push an older one last
      return;
    }
    if (ready) {
      const year = this.now().getUTCFullYear();
      this.emit(ready.ok
        ? { as_of_seq: ready.summary.as_of_seq, summary: this.summaryView(year, ready.summary), holdings: holdingsView(ready.holdings), problem: null }
        : { as_of_seq: ready.as_of_seq, summary: null, holdings: null, problem: ready.problem });
      return;
    }
    this.pushing = true;
    void this.view()
      .then((v) => this.emit(v), () => undefined) // a worker fault is reported through onFault; the next change pushes again
      .finally(() => {
        this.pushing = false;
        if (this.stale) {
          this.stale = false;
          this.changed();
        }
      });
  }
}

function toWorkerLots(order: string, lots: readonly LotPick[]): OrderLots {
  return { order, lots: lots.map((l) => ({ id: l.lot_id, quantity: l.quantity })) };
}

function holdingsView(a: HoldingsAnswer): MethodResponse<'getHoldings'> {
  return { data_as_of: a.data_as_of, as_of_seq: a.as_of_seq, groups: a.groups };
}

/** Sum of cent amounts, exact, printed with two decimals. */
function add(...xs: string[]): string {
  return formatCents(xs.reduce((acc, x) => acc.plus(dec(x)), ZERO));
}
