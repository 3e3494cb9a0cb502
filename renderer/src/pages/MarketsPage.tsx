import { useMarket } from '../store';
import { useMarketTitle } from '../store/instrument';
import { ChartPanel } from '../components/chart/ChartPanel';
import { PremiumChart } from '../components/PremiumChart';
import { pct, qty, usd } from '../format';

export function MarketsPage() {
  const ticker = useMarket((s) => s.ticker);
  const faceValue = useMarket((s) => s.ticker?.face_value ?? null);
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
      <ChartPanel variant="full" />
      <h2 className="section">Premium over face value</h2>
      <p className="muted small">The premium is how far the market prices a token above its face value (what the plan charges per credit): what buyers expect future demand for compute to add. It shows the same span as the price chart above and follows its zoom and scroll.</p>
      <PremiumChart faceValue={faceValue} />
    </section>
  );
}
