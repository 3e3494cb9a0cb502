// Wallet API schemas for the subscription side: the current period's compute, what happens
// to unused credits at close (mint tokens or a renewal credit), and redeeming tokens for
// compute. Node-free (the renderer validates its forms with them too).
import { z } from 'zod';
import { zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';
import { zIsoTime } from '../platform/events.js';
import { Subscription } from '../platform/api.js';

/** The subscription as last fetched: live when just fetched, else the copy kept for offline use. */
export const SubscriptionView = z.strictObject({
  subscription: Subscription,
  fetched_at: zIsoTime,
  live: z.boolean(),
});
export type SubscriptionView = z.infer<typeof SubscriptionView>;

/** Tokens and credits move in lots of 0.01. */
export const zTokenAmount = zPositiveDecimal.refine((s) => !s.includes('.') || s.split('.')[1]!.length <= 2, 'at most 2 decimals (tokens move in lots of 0.01)');

export const RedeemInput = z.strictObject({ tokens: zTokenAmount });
export type RedeemInput = z.infer<typeof RedeemInput>;

export const zElectionChoice = z.enum(['mint', 'renewal_credit']);
export const SetElectionInput = z.strictObject({ election: zElectionChoice });
export type SetElectionInput = z.infer<typeof SetElectionInput>;

export const REDEMPTION_STATES = ['pending', 'done', 'refused'] as const;

/** One redemption asked for from this wallet. */
export const RedemptionViewSchema = z.strictObject({
  request_id: z.string().max(64),
  tokens: zPositiveDecimal,
  /** pending: sent or to be retried with the same request_id (never applied twice); done; refused (see last_error). */
  state: z.enum(REDEMPTION_STATES),
  /** The platform's market price at the redemption (a disposal at market value for tax). */
  market_price_usd: zPositiveDecimal.nullable(),
  /** The redemption's event in the account feed. */
  seq: z.number().int().positive().nullable(),
  attempts: z.number().int().nonnegative(),
  last_error: z.string().max(500).nullable(),
  created_at: zIsoTime,
  updated_at: zIsoTime,
});
export type RedemptionView = z.infer<typeof RedemptionViewSchema>;

// ---- this period up front: figures, and the mint-or-renewal-credit decision ----

export const zMintBasisPolicy = z.enum(['allocated', 'fmv', 'zero']);

/** This period's compute and where it is heading at the pace so far. */
export const PeriodFigures = z.strictObject({
  period_id: z.string().max(64),
  allowance_credits: zNonNegativeDecimal,
  used_credits: zNonNegativeDecimal,
  /** Credits added this period by redeeming tokens. */
  redeemed_credits: zNonNegativeDecimal,
  left_credits: zNonNegativeDecimal,
  starts_at: zIsoTime,
  ends_at: zIsoTime,
  /** Credits used per day so far; null in the first minute (no pace yet). */
  pace_credits_per_day: zNonNegativeDecimal.nullable(),
  /** Credits left at close if usage keeps this pace (the whole of what is left when there is no pace yet). */
  projected_unused_credits: zNonNegativeDecimal,
  /** The instant these figures were computed for. */
  as_of: zIsoTime,
});
export type PeriodFigures = z.infer<typeof PeriodFigures>;

/** The tax consequence of one option under the user's mint basis policy. */
export const DecisionTax = z.strictObject({
  /** Ordinary income recognized (at mint under `fmv`). */
  ordinary_income_usd: zDecimal,
  /** Basis of the tokens minted (0 when no lot is created). */
  basis_usd: zDecimal,
  /** Short-term gain (negative: loss) realized by the sale; null when nothing is sold. */
  capital_gain_usd: zDecimal.nullable(),
  note: z.string().max(500),
});
export type DecisionTax = z.infer<typeof DecisionTax>;

export const DecisionSell = z.strictObject({
  /** The best bid. */
  bid_usd: zPositiveDecimal,
  /** The sale walked the live book's bids (else it is priced at the best bid alone). */
  depth_known: z.boolean(),
  sold_tokens: zNonNegativeDecimal,
  /** Tokens the bids cannot take today (they would be held). */
  unsold_tokens: zNonNegativeDecimal,
  levels_used: z.number().int().min(0).max(1_000),
  average_price_usd: zPositiveDecimal,
  lowest_price_usd: zPositiveDecimal,
  /** The user's own bid the sale stopped at (no self-trade), with tokens left; null if none did. */
  stopped_at_own_bid_usd: zPositiveDecimal.nullable(),
  taker_fee_bps: z.number().int().min(0).max(10_000),
  gross_usd: zDecimal,
  fee_usd: zDecimal,
  net_usd: zDecimal,
  tax: DecisionTax,
});

export const DecisionHold = z.strictObject({
  tokens: zNonNegativeDecimal,
  face_value_usd: zPositiveDecimal,
  value_at_face_usd: zDecimal,
  market_price_usd: zPositiveDecimal.nullable(),
  value_at_market_usd: zDecimal.nullable(),
  tax: DecisionTax,
});

export const DecisionRenewal = z.strictObject({
  plan_price_usd: zPositiveDecimal,
  /** Face value of the credits: what they would take off with no floor. */
  credit_value_usd: zDecimal,
  /** The renewal price never goes below this minimum charge. */
  floor_usd: zPositiveDecimal,
  /** Plan price − credit value: negative when the credits are worth more than the renewal. */
  uncapped_next_price_usd: zDecimal,
  next_price_usd: zDecimal,
  credit_applied_usd: zDecimal,
  /** Credit value above what the floor lets through: not refunded. */
  lost_above_floor_usd: zDecimal,
  tax: DecisionTax,
});

export const PeriodDecision = z.strictObject({
  credits: zNonNegativeDecimal,
  mint_basis: zMintBasisPolicy,
  /** Minted and sold at once into today's bids after the taker fee; null when there is no bid (reason given). */
  sell: DecisionSell.nullable(),
  sell_unavailable: z.string().max(300).nullable(),
  hold: DecisionHold,
  renewal: DecisionRenewal,
  recommendation: z.strictObject({
    /** The election the numbers favor; null when there is nothing to decide. The choice stays the user's. */
    election: zElectionChoice.nullable(),
    reason: z.string().max(1000),
  }),
});
export type PeriodDecision = z.infer<typeof PeriodDecision>;

export const PeriodDecisionRequest = z.strictObject({
  /** An amount of credits to decide for; default: the projected unused credits at close. */
  credits: zTokenAmount.optional(),
});

export const PeriodDecisionView = z.strictObject({
  figures: PeriodFigures,
  decision: PeriodDecision,
  /** What the user elected for this period now. */
  election: zElectionChoice,
  /** The subscription the figures come from: live, or the copy last fetched (offline). */
  subscription_live: z.boolean(),
  fetched_at: zIsoTime,
  /** The typed amount when given, else the projection. */
  credits_source: z.enum(['projected', 'typed']),
});
export type PeriodDecisionView = z.infer<typeof PeriodDecisionView>;

/** The token as the platform's instrument names it, with the trading fees. */
export const InstrumentView = z.strictObject({
  /** The market's symbol on the platform (e.g. "TOKEN-USD"). */
  market_symbol: z.string().max(32),
  /** The token's symbol and name: the one name used on every screen and in every file. */
  base_symbol: z.string().min(1).max(16),
  display_name: z.string().min(1).max(64),
  maker_fee_bps: z.number().int().min(0).max(10_000),
  taker_fee_bps: z.number().int().min(0).max(10_000),
  /** The market's rules, so the order ticket checks what the platform will check. */
  tick_size: zPositiveDecimal,
  lot_size: zPositiveDecimal,
  min_price: zPositiveDecimal,
  max_price: zPositiveDecimal,
  max_quantity: zPositiveDecimal,
  fetched_at: zIsoTime,
  live: z.boolean(),
});
export type InstrumentView = z.infer<typeof InstrumentView>;
