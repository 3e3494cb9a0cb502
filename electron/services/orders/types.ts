// Inputs (zod, validated at the boundary), views and named limits of the order engine.
import { z } from 'zod';
import { zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../../../shared/money.js';
import { zIsoTime, zSide } from '../../../shared/platform/events.js';

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
/** Backoff after a transient failure: base × 2^(n−1), capped, with seeded/injected jitter. */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 30_000;
/** A Retry-After longer than this is clamped (a misconfigured server must not park us for a day). */
export const RETRY_AFTER_MAX_MS = 60_000;
/** list() returns at most this many rows. */
export const LIST_LIMIT_MAX = 1000;
/** Quantity lot and price tick of the market (the platform's; refused locally with a clear message). */
export const LOT_SIZE = '0.01';
export const TICK_SIZE = '0.0001';

// ---------------------------------------------------------------- states

export const ORDER_STATES = [
  'queued', // in the outbox, not yet sent (or known not to have arrived)
  'sending', // handed to the transport; the answer is outstanding
  'unknown', // sent, answer lost (timeout, dropped connection, crash): resolve by lookup before any resend
  'open',
  'partially_filled',
  'filled',
  'canceled',
  'expired',
  'rejected',
] as const;
export const zOrderState = z.enum(ORDER_STATES);
export type OrderState = z.infer<typeof zOrderState>;

/** Not yet known to the platform (or not known whether): the send queue. */
export const PENDING_STATES: readonly OrderState[] = ['queued', 'sending', 'unknown'];
/** Live on the platform. */
export const LIVE_STATES: readonly OrderState[] = ['open', 'partially_filled'];
export const FINAL_STATES: readonly OrderState[] = ['filled', 'canceled', 'expired', 'rejected'];

// ---------------------------------------------------------------- inputs

const decimals = (s: string): number => (s.includes('.') ? s.split('.')[1]!.length : 0);

export const PlaceOrderInput = z
  .strictObject({
    side: zSide,
    type: z.enum(['limit', 'market']),
    /** Tokens, a multiple of the lot size 0.01. */
    quantity: zPositiveDecimal.refine((s) => decimals(s) <= 2, `quantity must be a multiple of the lot size ${LOT_SIZE}`),
    /** Limit orders: the limit price in USD per token (tick 0.0001). */
    price: zPositiveDecimal.refine((s) => decimals(s) <= 4, `price must be a multiple of the tick size ${TICK_SIZE}`).optional(),
    /** Market orders: the worst price accepted (required: the order may go out later, when the price has moved). */
    protection_price: zPositiveDecimal
      .refine((s) => decimals(s) <= 4, `protection_price must be a multiple of the tick size ${TICK_SIZE}`)
      .optional(),
    /**
     * Limit: GTC (default), GTD (good till the expiry: it also leaves the book then), IOC or FOK.
     * Market: IOC (default) or FOK.
     */
    time_in_force: z.enum(['GTC', 'GTD', 'IOC', 'FOK']).optional(),
    post_only: z.boolean().optional(),
    /** When the order goes stale: it is never sent after this, and the platform refuses it after this (deadline). Default: 24 h from now. */
    expires_at: zIsoTime.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'limit') {
      if (v.price === undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: 'a limit order needs a price' });
      if (v.protection_price !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['protection_price'], message: 'protection_price is for market orders; a limit order has its price' });
      }
    } else {
      if (v.price !== undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: 'a market order has no price; set protection_price' });
      if (v.protection_price === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['protection_price'],
          message:
            'a market order needs a protection price (the worst price you accept): it may be sent later, when the price has moved, and never fills beyond it',
        });
      }
      if (v.time_in_force === 'GTC' || v.time_in_force === 'GTD') {
        ctx.addIssue({ code: 'custom', path: ['time_in_force'], message: 'a market order is IOC or FOK' });
      }
      if (v.post_only) ctx.addIssue({ code: 'custom', path: ['post_only'], message: 'a market order cannot be post-only' });
    }
    if (v.post_only && v.time_in_force !== undefined && v.time_in_force !== 'GTC' && v.time_in_force !== 'GTD') {
      ctx.addIssue({ code: 'custom', path: ['post_only'], message: 'a post-only order rests in the book: GTC or GTD' });
    }
  });
export type PlaceOrderInput = z.infer<typeof PlaceOrderInput>;

/** UUIDv7 text, as created by place(). */
export const zClientOrderId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'not a client_order_id (UUIDv7)');

export const CancelOrderInput = z.strictObject({ client_order_id: zClientOrderId });
export type CancelOrderInput = z.infer<typeof CancelOrderInput>;

export const ListOrdersInput = z.strictObject({
  states: z.array(zOrderState).min(1).max(ORDER_STATES.length).optional(),
  limit: z.number().int().min(1).max(LIST_LIMIT_MAX).optional(),
});
export type ListOrdersInput = z.infer<typeof ListOrdersInput>;

// ---------------------------------------------------------------- views

/** Zod schemas of what the engine returns (for the wallet API contract's response checks). */
export const OrderViewSchema = z.strictObject({
  client_order_id: zClientOrderId,
  order_id: z.string().nullable(),
  queue_seq: z.number().int().positive(),
  side: zSide,
  type: z.enum(['limit', 'market']),
  price: zPositiveDecimal.nullable(),
  protection_price: zPositiveDecimal.nullable(),
  quantity: zPositiveDecimal,
  filled_quantity: zNonNegativeDecimal,
  time_in_force: z.enum(['GTC', 'GTD', 'IOC', 'FOK']),
  post_only: z.boolean(),
  expires_at: zIsoTime,
  state: zOrderState,
  reason: z.string().nullable(),
  cancel_requested: z.boolean(),
  attempts: z.number().int().nonnegative(),
  last_error: z.string().nullable(),
  reserved_usd: zNonNegativeDecimal,
  reserved_tokens: zNonNegativeDecimal,
  created_at: zIsoTime,
  updated_at: zIsoTime,
});
const zBalanceView = z.strictObject({ settled: zDecimal, reserved: zNonNegativeDecimal, available: zDecimal });
export const AvailableViewSchema = z.strictObject({ usd: zBalanceView, token: zBalanceView });

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
  created_at: string;
  updated_at: string;
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

export type OrderChange = { kind: 'orders'; client_order_ids: string[] } | { kind: 'status'; online: boolean; paused_until_ms: number | null };

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

export class OrderInvariantError extends Error {
  override name = 'OrderInvariantError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new OrderInvariantError(`orders invariant: ${message}`);
}

// Compile-time: the view types and their zod schemas describe the same shape.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const VIEW_SCHEMAS_MATCH: Equals<OrderView, z.infer<typeof OrderViewSchema>> & Equals<AvailableView, z.infer<typeof AvailableViewSchema>> = true;
