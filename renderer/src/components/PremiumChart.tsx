// The premium over time (close / face value − 1) for the selected interval, beside the price.
import { useEffect, useRef } from 'react';
import { createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '../../../shared/platform/events';
import { CHART_OPTIONS } from './chart-theme';
import { premiumSeries } from '../../../shared/compute/premium';

export function PremiumChart({ candles, faceValue }: { candles: Candle[]; faceValue: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const line = useRef<ISeriesApi<'Line'> | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const c = createChart(host.current, CHART_OPTIONS);
    line.current = c.addSeries(LineSeries, { color: '#4c9aff', lineWidth: 2, priceFormat: { type: 'percent', precision: 2, minMove: 0.01 } });
    line.current.createPriceLine({ price: 0, color: '#c9a227', lineWidth: 1, lineStyle: 2, title: 'face value' });
    chart.current = c;
    return () => {
      chart.current = null;
      line.current = null;
      c.remove();
    };
  }, []);

  useEffect(() => {
    if (!faceValue) return;
    // Exact premiums, then numbers (percent) for pixels only.
    line.current?.setData(premiumSeries(candles, faceValue).map((p) => ({ time: p.time as UTCTimestamp, value: Number(p.premium) * 100 })));
    chart.current?.timeScale().fitContent();
  }, [candles, faceValue]);

  return <div ref={host} className="chart chart-premium" data-testid="premium-chart" role="img" aria-label="Premium over face value chart" />;
}
