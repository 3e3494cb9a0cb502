// Wallet API shapes of order entry (the engine is electron/services/orders; docs/ORDERS.md).
// Shared with the renderer, so the order form validates with the very schemas the main
// process checks again at the boundary.
import { z } from 'zod';
import { dec, zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';
import { zIsoTime, zSide } from '../platform/events.js';
import { zLotPicks } from './tax.js';

/** list() returns at most this many rows. */
export const LIST_LIMIT_MAX = 1000;
/** Quantity lot and price tick of the market (the platform's; refused locally with a clear message). */
export const LOT_SIZE = '0.01';
export const TICK_SIZE = '0.0001';
/** Places of a USD amount on the platform (it counts micros): reservations, fees, totals. */
export const USD_PLACES = 6;

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
    /**
     * Sells only: the held lots to sell (specific identification), in order, adding up to the
     * quantity; checked against the lots held when placed. Kept with the order in this wallet
     * (the platform never sees it): each fill takes the next part of the list; a lot gone by the
     * time of a fill makes that fill use the standing method, with a warning in the tax summary.
     */
    lots: zLotPicks.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.lots !== undefined) {
      if (v.side !== 'sell') ctx.addIssue({ code: 'custom', path: ['lots'], message: 'only a sell names the lots it sells' });
      else {
        const sum = v.lots.reduce((acc, l) => acc.plus(dec(l.quantity)), dec('0'));
        if (!sum.eq(dec(v.quantity))) {
          ctx.addIssue({ code: 'custom', path: ['lots'], message: `the lots add up to ${sum.toFixed()}, not the order's quantity ${dec(v.quantity).toFixed()}` });
        }
      }
    }
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

/** A platform order id, as the feed carries it (ids of orders placed elsewhere). */
export const zPlatformOrderId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'not a platform order id');
export const CancelExternalOrderInput = z.strictObject({ order_id: zPlatformOrderId });
export type CancelExternalOrderInput = z.infer<typeof CancelExternalOrderInput>;

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
  /** The lots this sell chose (PlaceOrderInput.lots), or null. */
  lots: z.array(z.strictObject({ lot_id: z.string().max(80), quantity: zPositiveDecimal })).max(100).nullable(),
  created_at: zIsoTime,
  updated_at: zIsoTime,
  /** Volume-weighted price of the fills so far (6 places), null before the first fill. */
  average_fill_price: zPositiveDecimal.nullable(),
  /** Trading fees paid on the fills so far, null before the first fill. */
  fees_usd: zNonNegativeDecimal.nullable(),
});
const zBalanceView = z.strictObject({ settled: zDecimal, reserved: zNonNegativeDecimal, available: zDecimal });
export const AvailableViewSchema = z.strictObject({ usd: zBalanceView, token: zBalanceView });

/** A live order the platform's feed shows that this wallet did not place (another device, the web). */
export const ExternalOrderSchema = z.strictObject({
  order_id: z.string().max(64),
  client_order_id: z.string().max(64),
  side: zSide,
  order_type: z.enum(['limit', 'market']),
  price: zPositiveDecimal.nullable(),
  quantity: zPositiveDecimal,
  filled_quantity: zNonNegativeDecimal,
  state: z.enum(['open', 'partially_filled']),
  updated_at: zIsoTime,
  /** A cancel asked for from this wallet: pending (queued or retrying), sent (the platform
   *  accepted it; the feed ends the order), refused (see cancel_error); null: none asked. */
  cancel: z.enum(['pending', 'sent', 'refused']).nullable(),
  cancel_error: z.string().max(500).nullable(),
});
