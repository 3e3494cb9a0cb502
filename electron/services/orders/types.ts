// Inputs (zod, validated at the boundary), views and named limits of the order engine.
import { z } from 'zod';

// ---------------------------------------------------------------- limits

/** Default expiry of an order (sent as the platform's `deadline`): 24 h. */
export const DEFAULT_EXPIRY_MS = 24 * 3600 * 1000;
/** Shortest and longest expiry a user may set. */
export const MIN_EXPIRY_MS = 5 * 1000;
export const MAX_EXPIRY_MS = 30 * 24 * 3600 * 1000;
/** Orders waiting to be sent (queued, sending, unknown) at most: bounds the outbox. */
export const MAX_PENDING_ORDERS = 10_000;
/** Orders the sender marks `sending` in one transaction (one fsync per window). */
export const SEND_WINDOW_MAX = 64;
/** Upper bound of the max_in_flight option (requests outstanding at once). */
export const MAX_IN_FLIGHT_LIMIT = 32;
/** Lookups and cancels per drain pass. */
export const RESOLVE_BATCH_MAX = 64;
/** Transient failures (5xx, 401, network) an order may meet before it is given up (rejected locally). */
export const MAX_SEND_ATTEMPTS = 12;
/** Cancel retries count up to this (the backoff exponent); a cancel is never dropped. */
export const MAX_CANCEL_ATTEMPTS = 12;
/** Cancel requests for orders placed elsewhere waiting at once (each is one request when sent). */
export const MAX_EXTERNAL_CANCELS = 1_000;
/** Backoff after a transient failure: base × 2^(n−1), capped, with seeded/injected jitter. */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 30_000;
/** A Retry-After longer than this is clamped (a misconfigured server must not park us for a day). */
export const RETRY_AFTER_MAX_MS = 60_000;
export { LIST_LIMIT_MAX } from '../../../shared/contract/orders.js';
export {
  LOT_SIZE,
  TICK_SIZE,
  ORDER_STATES,
  zOrderState,
  PENDING_STATES,
  LIVE_STATES,
  FINAL_STATES,
  PlaceOrderInput,
  zClientOrderId,
  CancelOrderInput,
  CancelExternalOrderInput,
  ListOrdersInput,
  OrderViewSchema,
  AvailableViewSchema,
  ExternalOrderSchema,
  type OrderState,
} from '../../../shared/contract/orders.js';
import { AvailableViewSchema, ExternalOrderSchema, OrderViewSchema, type OrderState } from '../../../shared/contract/orders.js';

export interface OrderView {
  client_order_id: string;
  /** The platform's id once known. */
  order_id: string | null;
  /** Position in the queue (placement order). */
  queue_seq: number;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  price: string | null;
  protection_price: string | null;
  quantity: string;
  filled_quantity: string;
  time_in_force: 'GTC' | 'GTD' | 'IOC' | 'FOK';
  post_only: boolean;
  expires_at: string;
  state: OrderState;
  /** Why it was rejected, canceled or expired (platform code or local reason), human readable. */
  reason: string | null;
  /** A cancel was asked for and not yet confirmed (it is queued while offline). */
  cancel_requested: boolean;
  /** Transient failures met so far, and the last one (why it is still waiting). */
  attempts: number;
  last_error: string | null;
  /** What this order holds back from the available balance now. */
  reserved_usd: string;
  reserved_tokens: string;
  /** The lots this sell chose (PlaceOrderInput.lots), or null. */
  lots: { lot_id: string; quantity: string }[] | null;
  created_at: string;
  updated_at: string;
  /** Volume-weighted price of the fills so far, null before the first fill. */
  average_fill_price: string | null;
  fees_usd: string | null;
}

export interface BalanceView {
  /** From the ledger (the platform's event feed). */
  settled: string;
  /** Held by open and queued orders. */
  reserved: string;
  /** settled − reserved: what new orders may use. */
  available: string;
}

export interface AvailableView {
  usd: BalanceView;
  token: BalanceView;
}

export interface DrainResult {
  sent: number;
  resolved: number;
  canceled: number;
  /** Orders still waiting (queued, sending, unknown) plus unconfirmed cancels. */
  pending: number;
  /** When the next attempt is due (ms since epoch), null when nothing waits. */
  next_due_ms: number | null;
  /** When the next queued order goes stale (it is then expired locally, online or not). */
  next_expiry_ms: number | null;
}

/**
 * What changed, for the views: our own orders by client_order_id, orders placed elsewhere by
 * the platform's order_id. `from_feed` marks a change converged from a ledger batch (the
 * app pushes balances once per batch, not once per order).
 */
export type OrderChange =
  | { kind: 'orders'; client_order_ids: string[]; external_order_ids: string[]; from_feed: boolean }
  | { kind: 'status'; online: boolean; paused_until_ms: number | null };

/** A refusal of order entry: code for programs, message for people. Nothing was written. */
export class OrderEntryError extends Error {
  override name = 'OrderEntryError';
  constructor(
    readonly code: 'invalid_input' | 'insufficient_funds' | 'insufficient_tokens' | 'queue_full' | 'not_found' | 'not_cancelable',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A broken invariant of the order state machine is a bug: the shared assert throws it. */
export { assert, AssertionError as OrderInvariantError } from '../../../shared/assert.js';

// Compile-time: the view types and their zod schemas describe the same shape.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const VIEW_SCHEMAS_MATCH: Equals<OrderView, z.infer<typeof OrderViewSchema>> & Equals<AvailableView, z.infer<typeof AvailableViewSchema>> = true;

/** A live order placed elsewhere, as the feed shows it. */
export type ExternalOrderView = z.infer<typeof ExternalOrderSchema>;
