import { useEffect, useRef } from 'react';
import { type AutoscaleInfo, CandlestickSeries, createChart, HistogramSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '../../../shared/platform/events';
import { CHART_OPTIONS } from './chart-theme';

// The chart library draws with JS numbers; converting decimal strings here is for pixels
// only. No amount computed from these values is ever shown or stored.
const toNumber = (s: string) => Number(s);

export function PriceChart({ candles, faceValue }: { candles: Candle[]; faceValue: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const price = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volume = useRef<ISeriesApi<'Histogram'> | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const c = createChart(host.current, CHART_OPTIONS);
    price.current = c.addSeries(CandlestickSeries, {
      upColor: '#2fbf71', downColor: '#e5534b', borderVisible: false, wickUpColor: '#2fbf71', wickDownColor: '#e5534b',
      priceFormat: { type: 'price', precision: 4, minMove: 0.0001 },
    });
    volume.current = c.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'vol', color: '#3b4a5e' });
    c.priceScale('vol').applyOptions({ scaleMargins: { top: 0.85, bottom: 0 } });
    c.priceScale('right').applyOptions({ scaleMargins: { top: 0.08, bottom: 0.2 } }); // candles above the volume bars
    chart.current = c;
    return () => {
      chart.current = null;
      price.current = null;
      volume.current = null;
      c.remove();
    };
  }, []);

  useEffect(() => {
    price.current?.setData(
      candles.map((k) => ({ time: k.time as UTCTimestamp, open: toNumber(k.open), high: toNumber(k.high), low: toNumber(k.low), close: toNumber(k.close) })),
    );
    volume.current?.setData(candles.map((k) => ({ time: k.time as UTCTimestamp, value: toNumber(k.volume) })));
    chart.current?.timeScale().fitContent();
  }, [candles]);

  useEffect(() => {
    const series = price.current;
    if (!series || !faceValue) return;
    const face = toNumber(faceValue);
    const line = series.createPriceLine({ price: face, color: '#c9a227', lineWidth: 1, lineStyle: 2, title: 'face value' });
    // Keep face value in view so the premium is visible at a glance.
    series.applyOptions({
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const res = original();
        if (!res?.priceRange) return res;
        return { ...res, priceRange: { minValue: Math.min(res.priceRange.minValue, face), maxValue: Math.max(res.priceRange.maxValue, face) } };
      },
    });
    return () => {
      // On unmount the chart effect's cleanup has already disposed the chart and its series.
      if (chart.current) series.removePriceLine(line);
    };
  }, [faceValue]);

  return <div ref={host} className="chart" data-testid="price-chart" role="img" aria-label="Token price chart" />;
}
