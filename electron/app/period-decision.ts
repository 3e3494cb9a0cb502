// The wallet API's view of this period up front: the period figures (pace, projection) and
// the mint-or-renewal-credit decision for the projected unused credits or a typed amount.
// The view is shared/compute/decision-view.ts (the renderer derives the same from its stores);
// this only gathers its inputs (subscription, live ticker, the instrument's fee, the mint basis policy).
import type { MintBasisPolicy } from '../../shared/compute/decision.js';
import { decisionView } from '../../shared/compute/decision-view.js';
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
  return decisionView({
    view,
    ticker: src.ticker(),
    instrument: await src.instrument(),
    mint_basis: src.mintBasis(),
    ...(req.credits === undefined ? {} : { credits: req.credits }),
    now_ms: (src.now_ms ?? Date.now)(),
  });
}
