import { useCallback, useEffect, useState } from 'react';
import { walletApi, useWallet } from '../store';
import { PriceChart } from '../components/PriceChart';
import { pct, qty, usd } from '../format';
import type { Candle, CandleInterval } from '../../../shared/platform/events';

const INTERVALS: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

export function MarketsPage() {
  const ticker = useWallet((s) => s.ticker);
  const linked = useWallet((s) => s.backend_connected);
  const [interval, setInterval_] = useState<CandleInterval>('15m');
  const [candles, setCandles] = useState<Candle[]>([]);
  const [fromCache, setFromCache] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const res = await walletApi().getCandles({ interval, limit: 300 });
      setCandles(res.candles);
      setFromCache(res.from_cache);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [interval]);

  useEffect(() => {
    if (!linked) return;
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => clearInterval(t);
  }, [linked, load]);

  return (
    <section aria-labelledby="markets-title">
      <h1 id="markets-title">TOKEN-USD</h1>
      <div className="ticker-row">
        <div><span className="muted">Last</span> <strong data-testid="ticker-last">{usd(ticker?.last, 4)}</strong></div>
        <div><span className="muted">Bid</span> {usd(ticker?.bid, 4)}</div>
        <div><span className="muted">Ask</span> {usd(ticker?.ask, 4)}</div>
        <div><span className="muted">Face value</span> {usd(ticker?.face_value, 4)}</div>
        <div><span className="muted">Premium</span> {pct(ticker?.premium)}</div>
        <div><span className="muted">24h volume</span> {qty(ticker?.volume_24h, 0)}</div>
      </div>
      <div className="toolbar" role="toolbar" aria-label="Candle interval">
        {INTERVALS.map((i) => (
          <button key={i} type="button" className={i === interval ? 'chip active' : 'chip'} aria-pressed={i === interval} onClick={() => setInterval_(i)}>
            {i}
          </button>
        ))}
        {fromCache && <span className="muted small">offline: showing cached candles</span>}
      </div>
      {error && <p className="error-text" role="alert">Could not load candles: {error}</p>}
      <PriceChart candles={candles} faceValue={ticker?.face_value ?? null} />
    </section>
  );
}
