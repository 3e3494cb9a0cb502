import { useEffect } from 'react';
import { useWallet } from '../store';
import { useMarketTitle } from '../store/instrument';
import { PriceChart } from '../components/PriceChart';
import { PremiumChart } from '../components/PremiumChart';
import { pct, qty, usd } from '../format';
import type { CandleInterval } from '../../../shared/platform/events';

const INTERVALS: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];
/** Candles are refreshed this often while the page is open. */
const CANDLE_REFRESH_MS = 10_000;

export function MarketsPage() {
  const ticker = useWallet((s) => s.ticker);
  const title = useMarketTitle();
  const linked = useWallet((s) => s.backend_connected);
  const chart = useWallet((s) => s.chart);
  const setChartInterval = useWallet((s) => s.setChartInterval);
  const loadCandles = useWallet((s) => s.loadCandles);

  useEffect(() => {
    if (!linked) return;
    const t = setInterval(() => void loadCandles(), CANDLE_REFRESH_MS);
    queueMicrotask(() => void loadCandles());
    return () => clearInterval(t);
  }, [linked, chart.interval, loadCandles]);

  return (
    <section aria-labelledby="markets-title">
      <h1 id="markets-title">{title}</h1>
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
          <button key={i} type="button" className={i === chart.interval ? 'chip active' : 'chip'} aria-pressed={i === chart.interval} onClick={() => setChartInterval(i)}>
            {i}
          </button>
        ))}
        {chart.from_cache && <span className="muted small">offline: showing cached candles</span>}
      </div>
      {chart.error && <p className="error-text" role="alert">Could not load candles: {chart.error}</p>}
      <PriceChart candles={chart.candles} faceValue={ticker?.face_value ?? null} />
      <h2 className="section">Premium over face value</h2>
      <p className="muted small">The premium is how far the market prices a token above its face value (what the plan charges per credit): what buyers expect future demand for compute to add.</p>
      <PremiumChart candles={chart.candles} faceValue={ticker?.face_value ?? null} />
    </section>
  );
}
