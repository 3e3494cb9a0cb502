// The period up front: the figures card with the countdown and, where asked for, the
// mint-or-renewal-credit helper. Derived in the renderer from pushed stores (subscription,
// ticker, the book's bids and the user's own resting bids, instrument fee, mint basis policy) with the same pure function the wallet API's
// getPeriodDecision uses: nothing is fetched or polled. Offline, the subscription as last fetched.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useCompute, useMarket, useOrders, useTax } from '../store';
import { useInstrument, useTokenSymbol } from '../store/instrument';
import { heldBids } from '../store/market';
import { decisionView } from '../../../shared/compute/decision-view';
import { ownBestBid } from '../../../shared/compute/decision';
import { PeriodFiguresCard } from './PeriodFiguresCard';
import { DecisionHelper } from './DecisionHelper';
import { useNow } from './use-now';

/** The pace and projection move with the clock; once a minute is plenty (the countdown has its own). */
const FIGURES_TICK_MS = 60_000;

/** The sale is priced against the live book's bids, looked at once a second: the book moves
 *  every frame, a decision over hours need not (and the page must not re-render with it). */
const BIDS_SAMPLE_MS = 1_000;

function useBidsSampled(): readonly (readonly [string, string])[] | null {
  const [bids, setBids] = useState<readonly (readonly [string, string])[] | null>(() => heldBids());
  useEffect(() => {
    const t = setInterval(() => {
      const now = heldBids();
      setBids((before) => (sameBids(before, now) ? before : now));
    }, BIDS_SAMPLE_MS);
    return () => clearInterval(t);
  }, []);
  return bids;
}

function sameBids(a: readonly (readonly [string, string])[] | null, b: readonly (readonly [string, string])[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((l, i) => l[0] === b[i]![0] && l[1] === b[i]![1]);
}

export function PeriodUpFront({ helper, children }: { helper: boolean; children?: ReactNode }) {
  const subscription = useCompute((s) => s.subscription);
  const error = useCompute((s) => s.error);
  const ticker = useMarket((s) => s.ticker);
  const instrument = useInstrument((s) => s.instrument);
  const mint_basis = useTax((s) => s.settings?.mint_basis ?? null);
  const symbol = useTokenSymbol();
  const now_ms = useNow(FIGURES_TICK_MS);
  const [credits, setCredits] = useState<string | undefined>(undefined);
  const bids = useBidsSampled();
  const own_orders = useOrders((s) => s.orders);
  const own_external = useOrders((s) => s.external);
  const own_best_bid_usd = useMemo(() => ownBestBid([...own_orders, ...own_external]), [own_orders, own_external]);

  const view = useMemo(
    () =>
      subscription && mint_basis
        ? decisionView({ view: subscription, ticker, instrument, mint_basis, bids, own_best_bid_usd, ...(credits === undefined ? {} : { credits }), now_ms })
        : null,
    [subscription, ticker, instrument, mint_basis, bids, own_best_bid_usd, credits, now_ms],
  );

  // The other cards (children) always render, with or without the period.
  return (
    <>
      <div className="cards">
        {view && <PeriodFiguresCard figures={view.figures} stale_since={view.subscription_live ? null : view.fetched_at} />}
        {children}
      </div>
      {error && !view && <p className="error-text" role="alert">This period: {error}</p>}
      {helper && view && <DecisionHelper view={view} symbol={symbol} onAmount={setCredits} />}
    </>
  );
}
