// The platform's storage interface: every read and write of the platform core goes through
// it, so the business logic (accounts, periods, cash, orders, market data, invariants)
// holds no SQL and knows no engine. Two engines: SqliteStore (store-sqlite.ts, the embedded
// default) and PgStore (store-pg.ts: a synchronous working copy written behind to
// PostgreSQL). Amounts cross it as scaled integers (units.ts).
//
// Transactions: transaction(fn) runs fn in one transaction; called inside another it runs
// in a savepoint, so a failure undoes only the inner call.
import type { AccountRow, OrderRow, PeriodRow, PlanConfig, TotalsRow } from './types.js';
import type { Side } from './book.js';

export type OrderStatusFilter = 'open' | 'all';

export interface CandleRow {
  bucket_s: number;
  open_ticks: number;
  high_ticks: number;
  low_ticks: number;
  close_ticks: number;
  volume_lots: number;
}

export interface TradeRow {
  num: number;
  time_ms: number;
  price_ticks: number;
  qty_lots: number;
  taker_side: Side;
}

/** The candle or totals aggregate of a transaction, written once at its end. */
export interface CandleUpsert {
  iv: string;
  bucket: number;
  open: number;
  high: number;
  low: number;
  close: number;
  lots: number;
}

export type TotalsDelta = [deposits: number, withdrawals: number, fees: number, minted: number, redeemed: number];

export interface StoredRequest {
  kind: string;
  body: string;
  response: string;
}

export interface PlatformStore {
  // transactions
  transaction<T>(fn: () => T): T;
  /** A consistent read of several statements (one snapshot). */
  read<T>(fn: () => T): T;
  inTransaction(): boolean;
  /**
   * null when a commit is durable as soon as transaction() returns (SQLite); otherwise a
   * promise that everything committed so far is durable (PostgreSQL's write-behind), which
   * must resolve before any answer or announcement depends on it.
   */
  durable(): Promise<void> | null;
  /** A write-behind store resolves once what it holds is durable and its connections are released. */
  close(): void | Promise<void>;

  // meta (small named values: demo account, simulator accounts, secrets key check)
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  // plans, accounts, keys
  plan(id: string): PlanConfig | undefined;
  insertPlanIfAbsent(p: PlanConfig): void;
  /** Inserts an account and returns its id (`acc_<num>`). */
  insertAccount(kind: 'user' | 'sim', plan_id: string, created_ms: number): string;
  account(id: string): AccountRow | undefined;
  accountExists(id: string): boolean;
  /** Adds the deltas to the account's balances; false when there is no such account. */
  moveBalances(id: string, usd: number, usd_reserved: number, tok: number, tok_reserved: number): boolean;
  insertApiKey(key_id: string, account_id: string, sealed_secret: string, created_ms: number): void;
  apiKey(key_id: string): { account_id: string; secret: string } | undefined;
  /** Any secret sealed under the store's key (SecretBox checks its key file against it). */
  sampleSealedSecret(prefix: string): string | undefined;

  // events
  maxSeq(account_id: string): number;
  /** Appends [account_id, seq, json] rows; (account_id, seq) is unique. */
  insertEvents(rows: [string, number, string][]): void;
  eventsAfter(account_id: string, after_seq: number, limit: number): string[];

  // periods
  openPeriod(account_id: string): PeriodRow | undefined;
  duePeriods(now_ms: number, limit: number): PeriodRow[];
  insertPeriod(p: Omit<PeriodRow, 'used_lots' | 'redeemed_lots' | 'status' | 'unused_lots'>): void;
  closePeriod(id: string, unused_lots: number): void;
  setElection(id: string, election: PeriodRow['election']): void;
  addUsedLots(id: string, lots: number): void;
  addRedeemedLots(id: string, lots: number): void;

  // idempotency keys of non-order mutations
  storedRequest(account_id: string, request_id: string): StoredRequest | undefined;
  pruneRequests(before_ms: number): void;
  insertRequest(account_id: string, request_id: string, r: StoredRequest, created_ms: number): void;

  // replay protection of signed writes (auth/replay.ts)
  /** Records the signature; false when it was recorded before. */
  claimSignature(timestamp_ms: number, signature: Buffer): boolean;
  pruneSignatures(before_ms: number): number;

  // orders
  orderByNum(num: number): OrderRow | undefined;
  orderByClientId(account_id: string, client_order_id: string): OrderRow | undefined;
  maxOrderNum(): number;
  insertOrder(o: OrderRow): void;
  updateOrderState(num: number, o: Pick<OrderRow, 'filled_lots' | 'notional_micros' | 'fees_micros' | 'reserved_micros' | 'reserved_lots' | 'status' | 'reason' | 'updated_ms'>): void;
  openOrders(): Pick<OrderRow, 'num' | 'account_id' | 'side' | 'price_ticks' | 'qty_lots' | 'filled_lots'>[];
  listOrders(account_id: string, status: OrderStatusFilter, limit: number): OrderRow[];
  gtdDue(now_ms: number, limit: number): OrderRow[];
  nextExpiryMs(): number | null;
  orderCount(): number;

  // market data
  insertTrade(time_ms: number, price_ticks: number, qty_lots: number, taker_side: Side, maker_order: number | null, taker_order: number | null): number;
  lastTradeTicks(): number | null;
  trades(before_num: number, limit: number): TradeRow[];
  tradeCount(): number;
  upsertCandles(candles: CandleUpsert[]): void;
  candles(interval: string, before_s: number, limit: number): CandleRow[];
  volumeSince(bucket_s: number): number;

  // totals and invariant queries
  addTotals(t: TotalsDelta): void;
  totals(): TotalsRow;
  balanceSums(): { usd: number; tok: number };
  /** An account whose reservations differ from its open orders', or with a negative balance. */
  reservationMismatch(): string | undefined;
  openOrderCount(): number;
  /** An account whose event seqs are not 1..n. */
  seqGap(): string | undefined;
}
