// Request and response schemas of the platform API (/v1). The reference server
// (platform/http) validates with these, generates its OpenAPI document from them,
// and the wallet's client (electron/services/platform-client) validates responses
// with the very same objects, so the two sides cannot drift apart silently.
import { z } from 'zod';
import { SIGNATURE_PATTERN, WS_CHALLENGE_PATTERN } from './signing.js';
import { D, DECIMAL_PATTERN, DECIMAL_STRING_MAX_CHARS, zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';
import {
  AccountEvent,
  Balances,
  Candle,
  EventsPage,
  EVENTS_PAGE_LIMIT_MAX,
  Ticker,
  zCandleInterval,
  zElection,
  zId,
  zIsoTime,
  zOrderStatus,
  zOrderType,
  zSide,
  zTimeInForce,
} from './events.js';

export const SYMBOL = 'TOKEN-USD' as const;
/** The token's one name, as the platform's instrument gives it: every screen and file uses these. */
export const TOKEN_SYMBOL = 'CMPT' as const;
export const TOKEN_DISPLAY_NAME = 'Compute token' as const;

// ---- errors ----
export const ApiError = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

// ---- account and subscription ----
export const Plan = z.strictObject({
  id: zId,
  name: z.string(),
  price_usd: zPositiveDecimal,
  credits: zPositiveDecimal,
  face_value_usd: zPositiveDecimal,
  min_charge_usd: zPositiveDecimal,
});
export type Plan = z.infer<typeof Plan>;

export const Account = z.strictObject({
  account_id: zId,
  created_at: zIsoTime,
  plan: Plan,
  last_seq: z.number().int().nonnegative(),
});
export type Account = z.infer<typeof Account>;

export const Period = z.strictObject({
  period_id: zId,
  index: z.number().int().nonnegative(),
  starts_at: zIsoTime,
  ends_at: zIsoTime,
  price_usd: zNonNegativeDecimal,
  credits: zNonNegativeDecimal,
  used_credits: zNonNegativeDecimal,
  redeemed_credits: zNonNegativeDecimal,
  available_credits: zNonNegativeDecimal,
  face_value_usd: zPositiveDecimal,
  election: zElection,
  status: z.enum(['open', 'closed']),
});
export type Period = z.infer<typeof Period>;

export const Subscription = z.strictObject({
  account_id: zId,
  plan: Plan,
  current_period: Period,
  /** What the next period will cost if it renews now: after the pending renewal credit if the election is renewal_credit. */
  estimated_next_price_usd: zNonNegativeDecimal,
});
export type Subscription = z.infer<typeof Subscription>;

export const ElectionRequest = z.strictObject({ election: zElection });
export type ElectionRequest = z.infer<typeof ElectionRequest>;

// Request-side decimals. zod 4 runs a refinement even when the regex before it failed, and
// shared/money.ts's zPositiveDecimal then throws inside `new D(s)` on non-decimal text
// (a 500 instead of a 400). These re-check the pattern first, so bad input is a plain
// validation failure.
const isDecimalText = (s: string) => s.length <= DECIMAL_STRING_MAX_CHARS && DECIMAL_PATTERN.test(s);
/** Strictly positive decimal string (request bodies). */
export const zInPositiveDecimal = zDecimal.refine((s) => isDecimalText(s) && new D(s).gt(0), 'must be greater than 0');
const atMost2Decimals = (s: string) => !s.includes('.') || s.split('.')[1]!.length <= 2;
/** Credits and tokens have at most 2 decimals (the lot size). */
const zCreditAmount = zInPositiveDecimal.refine(atMost2Decimals, 'at most 2 decimals');
/** Cash rails move whole cents. */
const zCashAmount = zInPositiveDecimal.refine(atMost2Decimals, 'at most 2 decimals (cents)');

/** Idempotency key of a mutation: a retry with the same id gets the first answer and changes nothing. */
export const zRequestId = zId;

export const UsageRequest = z.strictObject({
  credits: zCreditAmount,
  description: z.string().max(200).optional(),
  request_id: zRequestId.optional(),
});
export type UsageRequest = z.infer<typeof UsageRequest>;
export const UsageResponse = z.strictObject({ period: Period, seq: z.number().int().positive() });
export type UsageResponse = z.infer<typeof UsageResponse>;

export const RedemptionRequest = z.strictObject({ tokens: zCreditAmount, request_id: zRequestId.optional() });
export type RedemptionRequest = z.infer<typeof RedemptionRequest>;
export const RedemptionResponse = z.strictObject({
  period: Period,
  tokens: zPositiveDecimal,
  market_price_usd: zPositiveDecimal,
  seq: z.number().int().positive(),
});
export type RedemptionResponse = z.infer<typeof RedemptionResponse>;

export const CashRequest = z.strictObject({ amount_usd: zCashAmount, request_id: zRequestId.optional() });
export type CashRequest = z.infer<typeof CashRequest>;
export const CashResponse = z.strictObject({
  amount_usd: zPositiveDecimal,
  fee_usd: zNonNegativeDecimal,
  balances: Balances,
});
export type CashResponse = z.infer<typeof CashResponse>;

// ---- orders ----
export const OrderRequest = z.strictObject({
  client_order_id: zId,
  side: zSide,
  type: zOrderType,
  price: zInPositiveDecimal.optional(),
  quantity: zInPositiveDecimal,
  time_in_force: zTimeInForce,
  expire_at: zIsoTime.optional(),
  post_only: z.boolean().optional(),
  /** The platform refuses (deadline_passed) an order that arrives after this instant. */
  deadline: zIsoTime.optional(),
  /** Market orders: the worst acceptable price (required); they never fill beyond it. */
  protection_price: zInPositiveDecimal.optional(),
});
export type OrderRequest = z.infer<typeof OrderRequest>;

export const Order = z.strictObject({
  order_id: zId,
  client_order_id: zId,
  account_id: zId,
  symbol: z.literal(SYMBOL),
  side: zSide,
  type: zOrderType,
  price: zPositiveDecimal.nullable(),
  protection_price: zPositiveDecimal.nullable(),
  quantity: zPositiveDecimal,
  filled_quantity: zNonNegativeDecimal,
  remaining_quantity: zNonNegativeDecimal,
  average_price: zPositiveDecimal.nullable(),
  fees_usd: zNonNegativeDecimal,
  time_in_force: zTimeInForce,
  expire_at: zIsoTime.nullable(),
  post_only: z.boolean(),
  status: zOrderStatus,
  reason: z.string().nullable(),
  created_at: zIsoTime,
  updated_at: zIsoTime,
});
export type Order = z.infer<typeof Order>;

export const OrderList = z.strictObject({ orders: z.array(Order) });
export type OrderList = z.infer<typeof OrderList>;

const intText = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const ORDERS_LIST_LIMIT_MAX = 500;
export const OrdersQuery = z.strictObject({
  status: z.enum(['open', 'all']).default('open'),
  limit: intText(1, ORDERS_LIST_LIMIT_MAX).optional(),
});

export const EventsQuery = z.strictObject({
  after: intText(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: intText(1, EVENTS_PAGE_LIMIT_MAX).optional(),
});

// ---- market data ----
export const CANDLES_LIMIT_MAX = 1000;
export const CandlesQuery = z.strictObject({
  interval: zCandleInterval.default('1m'),
  before: intText(0, 32503680000).optional(),
  limit: intText(1, CANDLES_LIMIT_MAX).optional(),
});
export const CandlesPage = z.strictObject({
  interval: zCandleInterval,
  /** Oldest first. To page backwards pass before = candles[0].time. */
  candles: z.array(Candle),
});
export type CandlesPage = z.infer<typeof CandlesPage>;

export const TRADES_LIMIT_MAX = 1000;
export const TradesQuery = z.strictObject({
  before: intText(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: intText(1, TRADES_LIMIT_MAX).optional(),
});
export const PublicTrade = z.strictObject({
  trade_id: zId,
  /** Increasing public trade number (page backwards with before=). */
  num: z.number().int().positive(),
  price: zPositiveDecimal,
  quantity: zPositiveDecimal,
  taker_side: zSide,
  time: zIsoTime,
});
export type PublicTrade = z.infer<typeof PublicTrade>;
export const TradesPage = z.strictObject({ trades: z.array(PublicTrade) });
export type TradesPage = z.infer<typeof TradesPage>;

export const BOOK_DEPTH_MAX = 500;
export const BookQuery = z.strictObject({ depth: intText(1, BOOK_DEPTH_MAX).optional() });
/** [price, total quantity at that price] */
export const BookLevel = z.tuple([zPositiveDecimal, zPositiveDecimal]);
export const BookSnapshot = z.strictObject({
  symbol: z.literal(SYMBOL),
  seq: z.number().int().nonnegative(),
  bids: z.array(BookLevel),
  asks: z.array(BookLevel),
  time: zIsoTime,
});
export type BookSnapshot = z.infer<typeof BookSnapshot>;

export const MarketInfo = z.strictObject({
  symbol: z.literal(SYMBOL),
  /** The token's ticker symbol (e.g. "CMPT") and display name (e.g. "Compute token"). */
  base_symbol: z.string().min(1).max(16).regex(/^[A-Za-z0-9._-]+$/),
  display_name: z.string().min(1).max(64),
  tick_size: zPositiveDecimal,
  lot_size: zPositiveDecimal,
  min_price: zPositiveDecimal,
  max_price: zPositiveDecimal,
  max_quantity: zPositiveDecimal,
  maker_fee_bps: z.number().int().nonnegative(),
  taker_fee_bps: z.number().int().nonnegative(),
  withdrawal_fee_usd: zNonNegativeDecimal,
  face_value_usd: zPositiveDecimal,
});
export type MarketInfo = z.infer<typeof MarketInfo>;

// ---- WebSocket (/v1/ws) ----
export const WS_CHANNELS = ['book', 'trades', 'ticker', 'events'] as const;
export const zWsChannel = z.enum(WS_CHANNELS);
export type WsChannel = z.infer<typeof zWsChannel>;

export const WsClientMessage = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('auth'),
    key_id: zId,
    timestamp: z.number().int().nonnegative(),
    /** HMAC over wsAuthCanonical(timestamp, challenge) with this connection's challenge (signing.ts). */
    signature: z.string().regex(SIGNATURE_PATTERN),
  }),
  z.strictObject({ op: z.literal('subscribe'), channels: z.array(zWsChannel).min(1).max(4) }),
  z.strictObject({ op: z.literal('unsubscribe'), channels: z.array(zWsChannel).min(1).max(4) }),
  z.strictObject({ op: z.literal('ping') }),
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;

export const BookDelta = z.strictObject({
  side: zSide,
  price: zPositiveDecimal,
  /** New total at this price; "0" removes the level. */
  quantity: zNonNegativeDecimal,
});
export type BookDelta = z.infer<typeof BookDelta>;

export const WsServerMessage = z.discriminatedUnion('type', [
  /** First message on every connection: the one-time value an auth message must sign. */
  z.strictObject({ type: z.literal('challenge'), challenge: z.string().regex(WS_CHALLENGE_PATTERN) }),
  z.strictObject({ type: z.literal('authed'), account_id: zId, last_seq: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('subscribed'), channels: z.array(zWsChannel) }),
  z.strictObject({ type: z.literal('unsubscribed'), channels: z.array(zWsChannel) }),
  z.strictObject({ type: z.literal('pong'), time: zIsoTime }),
  z.strictObject({
    type: z.literal('heartbeat'),
    time: zIsoTime,
    /** The authenticated account's highest event seq; null before auth. */
    last_seq: z.number().int().nonnegative().nullable(),
    book_seq: z.number().int().nonnegative(),
  }),
  z.strictObject({ type: z.literal('book_snapshot'), book: BookSnapshot }),
  /** Deltas for book seq `seq`; the previous message had seq − 1 (else resnapshot). */
  z.strictObject({ type: z.literal('book_delta'), seq: z.number().int().positive(), changes: z.array(BookDelta) }),
  z.strictObject({ type: z.literal('trade'), trade: PublicTrade }),
  z.strictObject({ type: z.literal('ticker'), ticker: Ticker }),
  z.strictObject({ type: z.literal('event'), event: AccountEvent }),
  z.strictObject({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
  }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;

export { Balances, Candle, EventsPage, Ticker, zDecimal };
