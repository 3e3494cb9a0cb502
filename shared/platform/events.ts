// The platform's account event feed: the one stream from which the wallet's
// local ledger is built (GET /v1/events?after=SEQ and the WebSocket push).
// Both the reference platform (platform/) and the wallet's sync engine validate
// with these schemas, so a field added on one side is seen by the other.
import { z } from 'zod';
import { zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';

export const zIsoTime = z.iso.datetime({ offset: true });
export const zId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'ids are [A-Za-z0-9_.:-]');
export const zSide = z.enum(['buy', 'sell']);
export const zOrderType = z.enum(['limit', 'market']);
export const zTimeInForce = z.enum(['GTC', 'GTD', 'IOC', 'FOK']);
export const zOrderStatus = z.enum(['open', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected']);
export const zElection = z.enum(['mint', 'renewal_credit']);

const base = {
  /** Globally unique event id: the ledger's idempotency key. */
  id: zId,
  /** Strictly increasing per account, starting at 1, no gaps. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  account_id: zId,
  time: zIsoTime,
};

/** A billing period starts: the plan's credits become available for usage. */
export const PeriodOpenEvent = z.strictObject({
  ...base,
  type: z.literal('period_open'),
  period_id: zId,
  plan_id: zId,
  price_usd: zNonNegativeDecimal, // what was charged for this period (after any renewal credit)
  credits: zNonNegativeDecimal,
  face_value_usd: zPositiveDecimal, // plan price / included credits
  starts_at: zIsoTime,
  ends_at: zIsoTime,
});

export const UsageEvent = z.strictObject({
  ...base,
  type: z.literal('usage'),
  period_id: zId,
  credits: zPositiveDecimal,
});

export const PeriodCloseEvent = z.strictObject({
  ...base,
  type: z.literal('period_close'),
  period_id: zId,
  unused_credits: zNonNegativeDecimal,
  election: zElection,
});

export const MintEvent = z.strictObject({
  ...base,
  type: z.literal('mint'),
  period_id: zId,
  tokens: zPositiveDecimal, // = unused credits (1 token per credit)
  face_value_usd: zPositiveDecimal,
  market_price_usd: zPositiveDecimal, // FMV per token at mint
  allocated_cost_usd: zNonNegativeDecimal, // tokens × face value
});

export const RenewalCreditEvent = z.strictObject({
  ...base,
  type: z.literal('renewal_credit'),
  period_id: zId,
  credits: zPositiveDecimal,
  credit_usd: zNonNegativeDecimal, // applied to the next renewal price
  forfeited_usd: zNonNegativeDecimal, // excess over (price − minimum charge), not refunded
  next_price_usd: zNonNegativeDecimal,
});

export const RedemptionEvent = z.strictObject({
  ...base,
  type: z.literal('redemption'),
  period_id: zId,
  tokens: zPositiveDecimal,
  credits: zPositiveDecimal,
  market_price_usd: zPositiveDecimal, // per token at redemption (proceeds for tax)
});

export const DepositEvent = z.strictObject({
  ...base,
  type: z.literal('deposit'),
  amount_usd: zPositiveDecimal,
});

export const WithdrawalEvent = z.strictObject({
  ...base,
  type: z.literal('withdrawal'),
  amount_usd: zPositiveDecimal,
});

/** A trade the account took part in. The trading fee is part of this event. */
export const FillEvent = z.strictObject({
  ...base,
  type: z.literal('fill'),
  trade_id: zId,
  order_id: zId,
  client_order_id: zId,
  side: zSide,
  price_usd: zPositiveDecimal,
  quantity: zPositiveDecimal,
  fee_usd: zNonNegativeDecimal,
  liquidity: z.enum(['maker', 'taker']),
});

/** A fee not tied to a fill (e.g. a withdrawal fee). */
export const FeeEvent = z.strictObject({
  ...base,
  type: z.literal('fee'),
  amount_usd: zPositiveDecimal,
  reason: z.string().min(1).max(200),
});

export const OrderEvent = z.strictObject({
  ...base,
  type: z.literal('order'),
  order_id: zId,
  client_order_id: zId,
  status: zOrderStatus,
  side: zSide,
  order_type: zOrderType,
  price_usd: zPositiveDecimal.nullable(),
  quantity: zPositiveDecimal,
  filled_quantity: zNonNegativeDecimal,
  reason: z.string().max(200).nullable(),
});

/** The account changed its election for an open period (mint or renewal credit at close). */
export const ElectionEvent = z.strictObject({
  ...base,
  type: z.literal('election'),
  period_id: zId,
  election: zElection,
});

export const AccountEvent = z.discriminatedUnion('type', [
  PeriodOpenEvent,
  UsageEvent,
  PeriodCloseEvent,
  MintEvent,
  RenewalCreditEvent,
  RedemptionEvent,
  DepositEvent,
  WithdrawalEvent,
  FillEvent,
  FeeEvent,
  OrderEvent,
  ElectionEvent,
]);
export type AccountEvent = z.infer<typeof AccountEvent>;
export type AccountEventType = AccountEvent['type'];

/** GET /v1/events?after=SEQ&limit=N */
export const EVENTS_PAGE_LIMIT_MAX = 5000;
export const EventsPage = z.strictObject({
  events: z.array(AccountEvent).max(EVENTS_PAGE_LIMIT_MAX),
  /** Highest seq the account has now (so a client knows how far behind it is). */
  last_seq: z.number().int().nonnegative(),
});
export type EventsPage = z.infer<typeof EventsPage>;

const balance = z.strictObject({ total: zDecimal, available: zDecimal, reserved: zDecimal });
/** GET /v1/balances: for reconciliation after catch-up. */
export const Balances = z.strictObject({
  usd: balance,
  token: balance,
  credits: z.strictObject({ period_id: zId.nullable(), available: zDecimal }),
  /** The event seq these balances include (read in the same transaction). */
  as_of_seq: z.number().int().nonnegative(),
});
export type Balances = z.infer<typeof Balances>;

export const Ticker = z.strictObject({
  symbol: z.literal('TOKEN-USD'),
  last: zPositiveDecimal.nullable(),
  bid: zPositiveDecimal.nullable(),
  ask: zPositiveDecimal.nullable(),
  volume_24h: zNonNegativeDecimal,
  face_value: zPositiveDecimal,
  premium: zDecimal.nullable(), // last / face_value − 1
  time: zIsoTime,
});
export type Ticker = z.infer<typeof Ticker>;

export const zCandleInterval = z.enum(['1m', '5m', '15m', '1h', '4h', '1d']);
export type CandleInterval = z.infer<typeof zCandleInterval>;
export const Candle = z.strictObject({
  /** Bucket start, Unix seconds (UTC). */
  time: z.number().int().nonnegative(),
  open: zPositiveDecimal,
  high: zPositiveDecimal,
  low: zPositiveDecimal,
  close: zPositiveDecimal,
  volume: zNonNegativeDecimal,
});
export type Candle = z.infer<typeof Candle>;
