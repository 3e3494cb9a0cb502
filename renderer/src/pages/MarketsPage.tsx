import { useMarket } from '../store';
import { useMarketTitle } from '../store/instrument';
import { PriceChart } from '../components/PriceChart';
import { PremiumChart } from '../components/PremiumChart';
import { pct, qty, usd } from '../format';
import type { CandleInterval } from '../../../shared/platform/events';

const INTERVALS: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

export function MarketsPage() {
  const ticker = useMarket((s) => s.ticker);
  const chart = useMarket((s) => s.chart);
  const setChartInterval = useMarket((s) => s.setChartInterval);
  const loadOlder = useMarket((s) => s.loadOlderCandles);
  const title = useMarketTitle();

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
      <PriceChart candles={chart.candles} interval={chart.interval} faceValue={ticker?.face_value ?? null} onNeedOlder={() => void loadOlder()} />
      <h2 className="section">Premium over face value</h2>
      <p className="muted small">The premium is how far the market prices a token above its face value (what the plan charges per credit): what buyers expect future demand for compute to add.</p>
      <PremiumChart candles={chart.candles} faceValue={ticker?.face_value ?? null} />
    </section>
  );
}
