// Types, configuration and pure helpers shared by the parts of the platform core
// (core.ts composes them; see docs/ARCHITECTURE.md). No storage and no state here.
import type Database from 'better-sqlite3';
import { D, dec, toCanonical } from '../../shared/money.js';
import type { AccountEvent, CandleInterval } from '../../shared/platform/events.js';
import type { Order, Plan, PublicTrade } from '../../shared/platform/api.js';
import type { Side } from './book.js';
import type { PlatformStore } from './store.js';
import { assertSafe, feeMicros, notionalMicros } from './units.js';

export interface PlanConfig {
  id: string;
  name: string;
  price_usd: string;
  credits: string;
  min_charge_usd: string;
}

export interface PlatformConfig {
  /** Billing period length. 30 days by default; `--period 10m` for demos. */
  period_ms: number;
  maker_fee_bps: number;
  taker_fee_bps: number;
  withdrawal_fee_usd: string;
  /** The plan new accounts get, and whose face value the ticker quotes. */
  default_plan: PlanConfig;
  /** Largest single deposit or withdrawal. */
  max_cash_request_usd: string;
  /** Validate every event with zod and check all invariants after every transaction (tests). */
  paranoid: boolean;
}

export const DEFAULT_PLAN: PlanConfig = {
  id: 'standard',
  name: 'Standard',
  price_usd: '20',
  credits: '1000',
  min_charge_usd: '0.01',
};

export const DEFAULT_CONFIG: PlatformConfig = {
  period_ms: 30 * 24 * 3600 * 1000,
  maker_fee_bps: 10,
  taker_fee_bps: 20,
  withdrawal_fee_usd: '0.25',
  default_plan: DEFAULT_PLAN,
  max_cash_request_usd: '10000000',
  paranoid: false,
};

export interface CoreOptions {
  /** SQLite file (':memory:' allowed); or give `store` (a PgStore) instead. */
  db_path?: string;
  store?: PlatformStore;
  /** File holding the key that seals API secrets at rest; default `<db_path>.secrets-key`. */
  secrets_key_file?: string;
  now_ms?: () => number;
  config?: Partial<PlatformConfig>;
  /** better-sqlite3 options of the host process (the desktop app passes its Electron-ABI
   *  `nativeBinding` when it embeds the demo platform). */
  sqlite_options?: Database.Options;
}

/** What listeners (the WebSocket layer) hear after a commit. */
export type CoreMessage =
  | { kind: 'event'; account_id: string; seq: number; json: string }
  | { kind: 'trade'; trade: PublicTrade }
  | { kind: 'book_delta'; seq: number; changes: { side: Side; price: string; quantity: string }[] }
  | { kind: 'book_reset'; seq: number };

export const CANDLE_SECONDS: Record<CandleInterval, number> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '4h': 14400,
  '1d': 86400,
};
export const INTERVALS = Object.keys(CANDLE_SECONDS) as CandleInterval[];

/** Bounds on work per call. */
export const MAX_PERIOD_CLOSES_PER_TICK = 10_000;
export const MAX_EXPIRIES_PER_SWEEP = 1_000;
export const MAX_CACHED_SEQS = 100_000;
export const MAX_CACHED_KEYS = 100_000;
/** How long an idempotency key (request_id) of a deposit, withdrawal, usage or redemption is remembered. */
export const REQUEST_ID_TTL_MS = 7 * 24 * 3_600_000;
export const OPEN_STATUSES = `('open', 'partially_filled')`;

export interface AccountRow {
  num: number;
  id: string;
  kind: 'user' | 'sim';
  plan_id: string;
  created_ms: number;
  usd_total: number;
  usd_reserved: number;
  tok_total: number;
  tok_reserved: number;
}

export interface PeriodRow {
  id: string;
  account_id: string;
  idx: number;
  starts_ms: number;
  ends_ms: number;
  price_usd: string;
  credits_lots: number;
  used_lots: number;
  redeemed_lots: number;
  face_value_usd: string;
  election: 'mint' | 'renewal_credit';
  status: 'open' | 'closed';
  unused_lots: number | null;
}

export interface OrderRow {
  num: number;
  id: string;
  account_id: string;
  client_order_id: string;
  request_hash: string;
  side: Side;
  type: 'limit' | 'market';
  price_ticks: number | null;
  protection_ticks: number | null;
  qty_lots: number;
  filled_lots: number;
  notional_micros: number;
  fees_micros: number;
  reserved_micros: number;
  reserved_lots: number;
  tif: 'GTC' | 'GTD' | 'IOC' | 'FOK';
  expire_ms: number | null;
  post_only: number;
  status: Order['status'];
  reason: string | null;
  created_ms: number;
  updated_ms: number;
}

export interface TotalsRow {
  deposits_micros: number;
  withdrawals_micros: number;
  fees_micros: number;
  minted_lots: number;
  redeemed_lots: number;
}

/** Most rows one multi-row event INSERT carries. */
export const EVENTS_PER_INSERT = 16;

export type EventBody = AccountEvent extends infer E ? (E extends AccountEvent ? Omit<E, 'id' | 'seq' | 'account_id' | 'time'> : never) : never;

/** Face value with 8 decimals (exact for sane plans such as 20 USD / 1000 credits = 0.02). */
export function faceValue(plan: PlanConfig | Plan): string {
  return toCanonical(dec(plan.price_usd).div(dec(plan.credits)).toDecimalPlaces(8, D.ROUND_HALF_EVEN));
}

/** Credits × price / included credits, rounded to micros (exact for the demo plan). */
export function creditValueUsd(lots: number, plan: PlanConfig): string {
  const v = new D(lots).div(100).mul(dec(plan.price_usd)).div(dec(plan.credits));
  return toCanonical(v.toDecimalPlaces(6, D.ROUND_HALF_EVEN));
}

/** Credits needed to hold a buy of `lots` at `limit` ticks, taker fee included. */
export function buyReserve(lots: number, limit_ticks: number, taker_bps: number): number {
  const n = notionalMicros(limit_ticks, lots);
  return assertSafe(n + feeMicros(n, taker_bps), 'buy reserve');
}
