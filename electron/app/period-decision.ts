// The wallet API's view of this period up front: the period figures (pace, projection) and
// the mint-or-renewal-credit decision for the projected unused credits or a typed amount.
// The view is shared/compute/decision-view.ts (the renderer derives the same from its stores);
// this only gathers its inputs (subscription, live ticker and book, the instrument's fee, the mint basis policy).
import { ownBestBid, type MintBasisPolicy } from '../../shared/compute/decision.js';
import { decisionView } from '../../shared/compute/decision-view.js';
import type { InstrumentView, PeriodDecisionView, SubscriptionView } from '../../shared/contract/compute.js';
import type { Ticker } from '../../shared/platform/events.js';

export interface PeriodDecisionSources {
  subscription(): Promise<SubscriptionView>;
  ticker(): Ticker | null;
  /** The live book's bids, best first; null before the first snapshot. */
  bids(): readonly (readonly [string, string])[] | null;
  /** The user's orders resting on the book (placed here and elsewhere): a sale never fills against them. */
  restingOrders(): readonly { side: 'buy' | 'sell'; price: string | null; state: string }[];
  instrument(): Promise<InstrumentView | null>;
  mintBasis(): MintBasisPolicy;
  now_ms?: () => number;
}

export async function periodDecisionView(src: PeriodDecisionSources, req: { credits?: string }): Promise<PeriodDecisionView> {
  const view = await src.subscription();
  return decisionView({
    view,
    ticker: src.ticker(),
    bids: src.bids(),
    own_best_bid_usd: ownBestBid(src.restingOrders()),
    instrument: await src.instrument(),
    mint_basis: src.mintBasis(),
    ...(req.credits === undefined ? {} : { credits: req.credits }),
    now_ms: (src.now_ms ?? Date.now)(),
  });
}
