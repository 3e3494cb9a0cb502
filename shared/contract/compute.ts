// Wallet API schemas for the subscription side: the current period's compute, what happens
// to unused credits at close (mint tokens or a renewal credit), and redeeming tokens for
// compute. Node-free (the renderer validates its forms with them too).
import { z } from 'zod';
import { zPositiveDecimal } from '../money.js';
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

export const SetElectionInput = z.strictObject({ election: z.enum(['mint', 'renewal_credit']) });
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
