// Today's premium with its 7- and 30-day change, from daily candles.
import { useEffect, useState } from 'react';
import { walletApi } from '../store';
import { premiumChange, premiumSeries } from '../../../shared/compute/premium';
import { dec } from '../../../shared/money';
import { fixed } from '../format';

/** "+3.10 pp" from a premium change like "0.031"; "—" when the history is too short. */
function points(change: string | null): string {
  if (change === null) return '—';
  const pp = dec(change).times(100);
  return `${pp.isNegative() ? '−' : '+'}${fixed(pp.abs().toFixed(), 2)} pp`;
}

export function PremiumTrend({ faceValue, seq }: { faceValue: string | null; seq: number | null }) {
  const [change, setChange] = useState<{ d7: string | null; d30: string | null } | null>(null);
  useEffect(() => {
    if (!faceValue || seq === null) return;
    let live = true;
    queueMicrotask(() => void walletApi().getCandles({ interval: '1d', limit: 40 }).then((r) => {
      if (!live) return;
      const series = premiumSeries(r.candles, faceValue);
      const now_s = Math.floor(Date.now() / 1000);
      setChange({ d7: premiumChange(series, 7, now_s), d30: premiumChange(series, 30, now_s) });
    }, () => undefined));
    return () => { live = false; };
  }, [faceValue, seq]);
  return (
    <p className="muted" data-testid="premium-trend">
      premium change: 7 days <span className={change?.d7 && dec(change.d7).isNegative() ? 'neg' : 'pos'}>{points(change?.d7 ?? null)}</span>
      {' · '}30 days <span className={change?.d30 && dec(change.d30).isNegative() ? 'neg' : 'pos'} title={change && change.d30 === null ? 'not enough history yet' : undefined}>{points(change?.d30 ?? null)}</span>
    </p>
  );
}
