// The period-up-front view from what the app already holds (the subscription, the ticker, the
// instrument's fee, the mint basis policy): pure and synchronous, so the renderer derives it
// from its stores as they are pushed, and the wallet API's getPeriodDecision gives the same.
import { periodDecision, periodFigures, type MintBasisPolicy } from './decision.js';
import type { InstrumentView, PeriodDecisionView, SubscriptionView } from '../contract/compute.js';
import type { Ticker } from '../platform/events.js';

export interface DecisionViewInput {
  view: SubscriptionView;
  ticker: Ticker | null;
  instrument: InstrumentView | null;
  mint_basis: MintBasisPolicy;
  /** The live book's bids, best first; null when there is no live book (priced at the best bid). */
  bids: readonly (readonly [string, string])[] | null;
  /** The highest of the user's own resting buy orders (`ownBestBid`): a sale stops there. */
  own_best_bid_usd: string | null;
  /** A typed amount; default: the projected unused credits. */
  credits?: string;
  now_ms: number;
}

export function decisionView(i: DecisionViewInput): PeriodDecisionView {
  const sub = i.view.subscription;
  const figures = periodFigures(sub.current_period, i.now_ms);
  const decision = periodDecision({
    credits: i.credits ?? figures.projected_unused_credits,
    plan: sub.plan,
    bid_usd: i.ticker?.bid ?? null,
    last_usd: i.ticker?.last ?? null,
    taker_fee_bps: i.instrument?.taker_fee_bps ?? null,
    mint_basis: i.mint_basis,
    bids: i.bids,
    own_best_bid_usd: i.own_best_bid_usd,
  });
  return {
    figures,
    decision,
    election: sub.current_period.election,
    subscription_live: i.view.live,
    fetched_at: i.view.fetched_at,
    credits_source: i.credits === undefined ? 'projected' : 'typed',
  };
}
