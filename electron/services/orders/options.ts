// The order service's options, its clock, and the client-side pacer (a token bucket on the
// injected clock, so the simulation runs it on virtual time).
import type { FeedOrders } from '../ledger/feed-orders.js';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { OrderTransport } from './transport.js';
import { assert } from './types.js';

export interface Clock {
  now_ms(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now_ms: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** What the engine needs from the ledger (openLedger() returns one). */
export interface LedgerView {
  database(): Database.Database;
  walletBalances(): { usd: string; token: string };
  /** Fills summed per order (the ledger's order_fills), for average price and fees. */
  fillTotals(client_order_ids: readonly string[]): Map<string, { quantity: string; notional_usd: string; fees_usd: string }>;
  /** The feed's latest state of each platform order (orders placed elsewhere, catch-up). */
  feedOrders(): Pick<FeedOrders, 'live' | 'allLive' | 'byId' | 'byClientId'>;
}

export interface RateLimit {
  /** Burst of requests. */
  capacity: number;
  refill_per_s: number;
}

/** Under the reference platform's default private limit (100 burst, 50/s), leaving room for sync. */
export const DEFAULT_SEND_RATE: RateLimit = { capacity: 40, refill_per_s: 40 };

export interface OrderServiceOptions {
  ledger: LedgerView;
  transport: OrderTransport;
  clock?: Clock;
  /** The platform's taker fee (reservations include it, as the platform's do). Default 20 bps. */
  taker_fee_bps?: number;
  /** Client-side pacing of requests; false: only Retry-After paces. */
  rate_limit?: RateLimit | false;
  /**
   * Order requests outstanding at once. 1 (default): strictly one after the other, so orders
   * reach the matching engine in queue order. More: requests still leave in queue order but
   * overlap, so neighbours in the queue may arrive in either order (throughput = n / RTT).
   */
  max_in_flight?: number;
  /** Tokens held outside orders (pending redemptions): not available to sell. Default none. */
  held_tokens?: () => string;
  /** Initial connectivity. Default false: nothing is sent until setOnline(true). */
  online?: boolean;
  /** Randomness for backoff jitter and UUIDv7 random bits (the simulation seeds it). Default Math.random / crypto. */
  random?: () => number;
  logger?: Logger;
}


/** Token bucket on the injected clock. */
export class Pacer {
  private tokens: number;
  private last_ms: number;
  constructor(
    private readonly limit: RateLimit | false,
    now_ms: number,
  ) {
    if (limit) assert(limit.capacity >= 1 && limit.refill_per_s > 0, 'rate_limit: capacity >= 1 and refill_per_s > 0');
    this.tokens = limit ? limit.capacity : Infinity;
    this.last_ms = now_ms;
  }
  /** Whole tokens available now. */
  available(now_ms: number): number {
    if (!this.limit) return Number.MAX_SAFE_INTEGER;
    this.tokens = Math.min(this.limit.capacity, this.tokens + (Math.max(0, now_ms - this.last_ms) * this.limit.refill_per_s) / 1000);
    this.last_ms = Math.max(this.last_ms, now_ms);
    return Math.floor(this.tokens);
  }
  take(now_ms: number): boolean {
    if (this.available(now_ms) < 1) return false;
    this.tokens -= 1;
    return true;
  }
  /** When the next token is there. */
  nextAt(now_ms: number): number {
    if (!this.limit || this.available(now_ms) >= 1) return now_ms;
    return now_ms + Math.ceil(((1 - this.tokens) * 1000) / this.limit.refill_per_s);
  }
}
