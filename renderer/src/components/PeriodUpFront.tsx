// The period up front: the figures card with the countdown and, where asked for, the
// mint-or-renewal-credit helper. Derived in the renderer from pushed stores (subscription,
// ticker, instrument fee, mint basis policy) with the same pure function the wallet API's
// getPeriodDecision uses: nothing is fetched or polled. Offline, the subscription as last fetched.
import { useMemo, useState, type ReactNode } from 'react';
import { useCompute, useMarket, useTax } from '../store';
import { useInstrument, useTokenSymbol } from '../store/instrument';
import { decisionView } from '../../../shared/compute/decision-view';
import { PeriodFiguresCard } from './PeriodFiguresCard';
import { DecisionHelper } from './DecisionHelper';
import { useNow } from './use-now';

/** The pace and projection move with the clock; once a minute is plenty (the countdown has its own). */
const FIGURES_TICK_MS = 60_000;

export function PeriodUpFront({ helper, children }: { helper: boolean; children?: ReactNode }) {
  const subscription = useCompute((s) => s.subscription);
  const error = useCompute((s) => s.error);
  const ticker = useMarket((s) => s.ticker);
  const instrument = useInstrument((s) => s.instrument);
  const mint_basis = useTax((s) => s.settings?.mint_basis ?? null);
  const symbol = useTokenSymbol();
  const now_ms = useNow(FIGURES_TICK_MS);
  const [credits, setCredits] = useState<string | undefined>(undefined);

  const view = useMemo(
    () =>
      subscription && mint_basis
        ? decisionView({ view: subscription, ticker, instrument, mint_basis, ...(credits === undefined ? {} : { credits }), now_ms })
        : null,
    [subscription, ticker, instrument, mint_basis, credits, now_ms],
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
