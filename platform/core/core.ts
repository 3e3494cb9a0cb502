// PlatformCore: the platform's business logic, composed of its parts. No HTTP here.
//   kernel.ts       transactions, group commit, event log, balance moves, the in-memory book
//   accounts.ts     plans, accounts, API keys
//   periods.ts      billing periods, election, usage, redemptions
//   cash.ts         deposits, withdrawals, balances, event pages
//   orders.ts       placement, cancel, expiry, order views; matching.ts settles fills
//   market-data.ts  ticker, book snapshot, candles, trades, history import
//   invariants.ts   conservation and reservation checks
// Storage is behind one interface (store.ts); the engines are SQLite (store-sqlite.ts, the
// default) and PostgreSQL (store-pg.ts).
// Single writer: one PlatformCore per store.
import type Database from 'better-sqlite3';
import type { AccountEvent, Balances, CandleInterval, Ticker } from '../../shared/platform/events.js';
import type { Account, BookSnapshot, CandlesPage, MarketInfo, Order, OrderRequest, Period, PublicTrade, Subscription } from '../../shared/platform/api.js';
import { Accounts } from './accounts.js';
import type { OrderBook, Side } from './book.js';
import { Cash } from './cash.js';
import { PlatformError } from './errors.js';
import { checkInvariants, totals } from './invariants.js';
import { CoreKernel } from './kernel.js';
import { MarketData } from './market-data.js';
import { Matcher } from './matching.js';
import { Orders } from './orders.js';
import { Periods } from './periods.js';
import { SecretBox } from './secret-box.js';
import type { PlatformStore } from './store.js';
import { SqliteStore } from './store-sqlite.js';
import { DEFAULT_CONFIG, type CoreMessage, type CoreOptions, type PlanConfig, type PlatformConfig, type TotalsRow } from './types.js';
import { assert } from './units.js';

export { CANDLE_SECONDS, DEFAULT_CONFIG, DEFAULT_PLAN, REQUEST_ID_TTL_MS } from './types.js';
export type { CoreMessage, CoreOptions, PlanConfig, PlatformConfig } from './types.js';
export { requestHash } from './orders.js';

export class PlatformCore {
  readonly store: PlatformStore;
  readonly config: PlatformConfig;
  readonly now_ms: () => number;
  private readonly k: CoreKernel;
  private readonly accounts: Accounts;
  private readonly periods: Periods;
  private readonly cash: Cash;
  private readonly orders: Orders;
  private readonly market: MarketData;

  constructor(opts: CoreOptions) {
    this.config = { ...DEFAULT_CONFIG, ...opts.config };
    this.now_ms = opts.now_ms ?? (() => Date.now());
    assert(this.config.maker_fee_bps <= this.config.taker_fee_bps, 'maker fee must not exceed taker fee (reservations use the taker rate)');
    assert(this.config.period_ms >= 1000, 'period_ms must be at least 1 s');
    assert((opts.db_path === undefined) !== (opts.store === undefined), 'give the core either db_path (SQLite) or a store');
    this.store = opts.store ?? new SqliteStore(opts.db_path!, opts.sqlite_options);
    let secrets: SecretBox;
    try {
      const key_file = opts.secrets_key_file ?? (opts.db_path === undefined ? undefined : `${opts.db_path}.secrets-key`);
      if (opts.db_path === ':memory:') secrets = SecretBox.ephemeral();
      else if (key_file === undefined) throw new Error('secrets_key_file is required with a PostgreSQL store (the key that seals API secrets lives outside the database)');
      else secrets = SecretBox.forStore(this.store, key_file);
    } catch (e) {
      void this.store.close(); // a refused start leaves no handle open
      throw e;
    }
    const k = new CoreKernel(this.store, this.config, this.now_ms);
    this.k = k;
    k.check = () => checkInvariants(k);
    this.market = new MarketData(k);
    this.periods = new Periods(k, this.market);
    this.accounts = new Accounts(k, this.periods, secrets);
    this.cash = new Cash(k, this.periods);
    this.orders = new Orders(k, new Matcher(k));
    this.accounts.ensurePlan(this.config.default_plan);
    k.reloadBook();
    k.last_trade_ticks = this.store.lastTradeTicks();
  }

  /** The SQLite handle (SQLite-specific tools and tests only; the core goes through `store`).
   *  With PostgreSQL it is the writer's working copy. */
  get db(): Database.Database {
    assert(this.store instanceof SqliteStore, 'this store has no SQLite handle');
    return this.store.db;
  }

  /** Resolves when everything committed so far is durable (at once with SQLite; after the flush with PostgreSQL). */
  durable(): Promise<void> | null {
    return this.store.durable();
  }

  /** The live book (read-only use: tests and snapshots). */
  get book(): OrderBook {
    return this.k.book;
  }

  onMessage(listener: (m: CoreMessage) => void): () => void {
    return this.k.onMessage(listener);
  }

  /** Group commit: fn's core calls share one transaction, each in its own savepoint (kernel.ts). */
  batch<T>(fn: () => T): T {
    return this.k.batch(fn);
  }

  /** Rebuilds the in-memory book from the open orders in the store. */
  reloadBook(publish = true): void {
    this.k.reloadBook(publish);
  }

  // accounts and keys
  createPlan(p: PlanConfig): void {
    this.accounts.createPlan(p);
  }
  createAccount(opts: { plan_id?: string; start_ms?: number; kind?: 'user' | 'sim' } = {}): { account_id: string } {
    return this.accounts.createAccount(opts);
  }
  createApiKey(account_id: string): { key_id: string; secret: string } {
    return this.accounts.createApiKey(account_id);
  }
  apiKey(key_id: string): { account_id: string; secret: string } | null {
    return this.accounts.apiKey(key_id);
  }
  getAccount(account_id: string): Account {
    return this.accounts.getAccount(account_id);
  }

  // periods
  getSubscription(account_id: string): Subscription {
    return this.periods.getSubscription(account_id);
  }
  setElection(account_id: string, election: 'mint' | 'renewal_credit'): Subscription {
    return this.periods.setElection(account_id, election);
  }
  recordUsage(account_id: string, credits: string, request_id?: string): { period: Period; seq: number } {
    return this.periods.recordUsage(account_id, credits, request_id);
  }
  redeem(account_id: string, tokens: string, request_id?: string): { period: Period; tokens: string; market_price_usd: string; seq: number } {
    return this.periods.redeem(account_id, tokens, request_id);
  }

  // cash and events
  deposit(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    return this.cash.deposit(account_id, amount_usd, request_id);
  }
  withdraw(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    return this.cash.withdraw(account_id, amount_usd, request_id);
  }
  getBalances(account_id: string): Balances {
    return this.cash.getBalances(account_id);
  }
  eventsPageJson(account_id: string, after: number, limit: number): string {
    return this.cash.eventsPageJson(account_id, after, limit);
  }
  getEvents(account_id: string, after: number, limit: number): { events: AccountEvent[]; last_seq: number } {
    return this.cash.getEvents(account_id, after, limit);
  }
  lastSeq(account_id: string): number {
    return this.k.seqOf(account_id);
  }

  // orders
  placeOrder(account_id: string, req: OrderRequest): { order: Order; created: boolean } {
    return this.orders.placeOrder(account_id, req);
  }
  cancelOrder(account_id: string, order_id: string): Order {
    return this.orders.cancelOrder(account_id, order_id);
  }
  getOrder(account_id: string, order_id: string): Order {
    return this.orders.getOrder(account_id, order_id);
  }
  getOrderByClientId(account_id: string, client_order_id: string): Order {
    return this.orders.getOrderByClientId(account_id, client_order_id);
  }
  listOrders(account_id: string, status: 'open' | 'all', limit: number): Order[] {
    return this.orders.listOrders(account_id, status, limit);
  }

  /** Closes due periods and expires due GTD orders. Call periodically (the server does, every second). */
  tick(): { periods_closed: number; orders_expired: number } {
    return this.k.tx(() => ({ periods_closed: this.periods.closeDuePeriods(), orders_expired: this.orders.sweepExpired() }));
  }

  // market data
  faceValueUsd(): string {
    return this.market.faceValueUsd();
  }
  marketPrice(): string {
    return this.market.marketPrice();
  }
  marketInfo(): MarketInfo {
    return this.market.marketInfo();
  }
  ticker(): Ticker {
    return this.market.ticker();
  }
  bookSnapshot(depth: number): BookSnapshot {
    return this.market.bookSnapshot(depth);
  }
  bookSeq(): number {
    return this.k.book_seq;
  }
  candles(interval: CandleInterval, before_s: number | undefined, limit: number): CandlesPage {
    return this.market.candles(interval, before_s, limit);
  }
  trades(before_num: number | undefined, limit: number): PublicTrade[] {
    return this.market.trades(before_num, limit);
  }
  tradeCount(): number {
    return this.store.tradeCount();
  }
  importHistory(trades: { time_ms: number; price_ticks: number; lots: number; taker_side: Side }[]): number {
    return this.market.importHistory(trades);
  }

  // invariants
  totals(): TotalsRow {
    return totals(this.k);
  }
  checkInvariants(): void {
    checkInvariants(this.k);
  }

  /** With a write-behind store (PostgreSQL), await it: it resolves once everything is durable and the connections are released. */
  close(): void | Promise<void> {
    return this.k.close();
  }
}

export { PlatformError };
