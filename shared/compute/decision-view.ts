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
