// The chart panel of the workspace: interval choice and the price chart, sized by its panel.
import { useMarket } from '../../store';
import { PriceChart } from '../PriceChart';
import type { CandleInterval } from '../../../../shared/platform/events';

const INTERVALS: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

export function WorkspaceChart() {
  const face = useMarket((s) => s.ticker?.face_value ?? null);
  const chart = useMarket((s) => s.chart);
  const setChartInterval = useMarket((s) => s.setChartInterval);
  const loadOlder = useMarket((s) => s.loadOlderCandles);
  return (
    <section className="ws-chart" aria-label="Price chart">
      <div className="toolbar" role="toolbar" aria-label="Candle interval">
        {INTERVALS.map((i) => (
          <button key={i} type="button" className={i === chart.interval ? 'chip active' : 'chip'} aria-pressed={i === chart.interval} onClick={() => setChartInterval(i)}>{i}</button>
        ))}
        {chart.from_cache && <span className="muted small">offline: cached candles</span>}
      </div>
      {chart.error && <p className="error-text" role="alert">Could not load candles: {chart.error}</p>}
      <PriceChart candles={chart.candles} interval={chart.interval} faceValue={face} onNeedOlder={() => void loadOlder()} />
    </section>
  );
}
