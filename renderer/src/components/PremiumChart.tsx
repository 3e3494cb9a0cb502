// The premium over time (close / face value − 1) for the selected interval, beside the price.
import { useEffect, useRef } from 'react';
import { createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '../../../shared/platform/events';
import { CHART_OPTIONS, useChartOptions } from './chart-theme';
import { premiumSeries } from '../../../shared/compute/premium';

export function PremiumChart({ candles, faceValue }: { candles: Candle[]; faceValue: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const line = useRef<ISeriesApi<'Line'> | null>(null);
  const look = useChartOptions();

  useEffect(() => {
    if (!host.current) return;
    // The attribution logo is off from creation: made with the defaults, its inline style breaks the CSP.
    const c = createChart(host.current, CHART_OPTIONS);
    line.current = c.addSeries(LineSeries, { lineWidth: 2, priceFormat: { type: 'percent', precision: 2, minMove: 0.01 } });
    chart.current = c;
    return () => {
      chart.current = null;
      line.current = null;
      c.remove();
    };
  }, []);

  // The theme, locale or time zone changed: restyle in place (the data and the zoom stay).
  useEffect(() => {
    chart.current?.applyOptions(look.options);
    const series = line.current;
    if (!series) return;
    series.applyOptions({ color: look.colors.line });
    for (const p of series.priceLines()) series.removePriceLine(p);
    series.createPriceLine({ price: 0, color: look.colors.face_value, lineWidth: 1, lineStyle: 2, title: 'face value' });
  }, [look]);

  // What was drawn, so a live trade (the last candle moved or one opened) is one point's update.
  const drawn = useRef<{ candles: readonly Candle[]; face: string } | null>(null);
  useEffect(() => {
    if (!faceValue || !line.current) return;
    const before = drawn.current;
    drawn.current = { candles, face: faceValue };
    const grew = before ? candles.length - before.candles.length : -1;
    const last = candles[candles.length - 1];
    if (before && last && before.face === faceValue && (grew === 0 || grew === 1) && before.candles[0] === candles[0]) {
      const p = premiumSeries([last], faceValue)[0]!;
      line.current.update({ time: p.time as UTCTimestamp, value: Number(p.premium) * 100 });
      return;
    }
    // Exact premiums, then numbers (percent) for pixels only.
    line.current.setData(premiumSeries(candles, faceValue).map((p) => ({ time: p.time as UTCTimestamp, value: Number(p.premium) * 100 })));
    chart.current?.timeScale().fitContent();
  }, [candles, faceValue]);

  return <div ref={host} className="chart chart-premium" data-testid="premium-chart" role="img" aria-label="Premium over face value chart" />;
}
