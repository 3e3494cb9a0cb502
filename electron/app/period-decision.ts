// The wallet API's view of this period up front: the period figures (pace, projection) and
// the mint-or-renewal-credit decision for the projected unused credits or a typed amount.
// The arithmetic is the pure functions of shared/compute/decision.ts; this only gathers
// their inputs (subscription, live ticker, the instrument's fee, the mint basis policy).
import { periodDecision, periodFigures, type MintBasisPolicy } from '../../shared/compute/decision.js';
import type { InstrumentView, PeriodDecisionView, SubscriptionView } from '../../shared/contract/compute.js';
import type { Ticker } from '../../shared/platform/events.js';

export interface PeriodDecisionSources {
  subscription(): Promise<SubscriptionView>;
  ticker(): Ticker | null;
  instrument(): Promise<InstrumentView | null>;
  mintBasis(): MintBasisPolicy;
  now_ms?: () => number;
}

export async function periodDecisionView(src: PeriodDecisionSources, req: { credits?: string }): Promise<PeriodDecisionView> {
  const view = await src.subscription();
  const sub = view.subscription;
  const figures = periodFigures(sub.current_period, (src.now_ms ?? Date.now)());
  const ticker = src.ticker();
  const instrument = await src.instrument();
  const credits = req.credits ?? figures.projected_unused_credits;
  const decision = periodDecision({
    credits,
    plan: sub.plan,
    bid_usd: ticker?.bid ?? null,
    last_usd: ticker?.last ?? null,
    taker_fee_bps: instrument?.taker_fee_bps ?? null,
    mint_basis: src.mintBasis(),
  });
  return {
    figures,
    decision,
    election: sub.current_period.election,
    subscription_live: view.live,
    fetched_at: view.fetched_at,
    credits_source: req.credits === undefined ? 'projected' : 'typed',
  };
}
