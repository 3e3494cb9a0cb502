// The period up front, fetched from the wallet API: the figures card with the countdown and,
// where asked for, the mint-or-renewal-credit helper. Asks again when the ledger moves and
// every REFRESH_MS (the bid moves too); offline it shows the subscription as last fetched.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { PeriodDecisionView } from '../../../shared/contract/compute';
import { useCompute, usePortfolio, useSession, walletApi } from '../store';
import { useTokenSymbol } from '../store/instrument';
import { errorText } from '../format';
import { PeriodFiguresCard } from './PeriodFiguresCard';
import { DecisionHelper } from './DecisionHelper';

const REFRESH_MS = 15_000;

export function PeriodUpFront({ helper, children }: { helper: boolean; children?: ReactNode }) {
  const seq = usePortfolio((s) => s.portfolio?.as_of_seq ?? null);
  const online = useSession((s) => s.status?.state === 'online');
  const has_subscription = useCompute((s) => s.subscription !== null);
  const symbol = useTokenSymbol();
  const [view, setView] = useState<PeriodDecisionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [credits, setCredits] = useState<string | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setView(await walletApi().getPeriodDecision(credits === undefined ? {} : { credits }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [credits]);
  useEffect(() => {
    if (seq === null) return; // the wallet API is not there yet
    // Offline, the figures come from the subscription as last fetched: ask only once the
    // wallet has one (before the first connection there is nothing to show, asking would fail).
    if (!online && !has_subscription) return;
    queueMicrotask(() => void load());
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load, seq, online, has_subscription]);

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
