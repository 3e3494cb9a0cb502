import { useEffect, useRef } from 'react';
import { type AutoscaleInfo, CandlestickSeries, createChart, HistogramSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { Candle, CandleInterval } from '../../../shared/platform/events';

/** Bars shown when a series is first drawn (the user zooms out from there). */
const INITIAL_BARS = 120;
/** Older history is asked for when the left edge comes this close (in bars) to the first candle. */
const LOAD_OLDER_MARGIN_BARS = 20;

type Shown = { interval: CandleInterval; first: number | null; length: number };
import { CHART_OPTIONS } from './chart-theme';

// The chart library draws with JS numbers; converting decimal strings here is for pixels
// only. No amount computed from these values is ever shown or stored.
const toNumber = (s: string) => Number(s);

const bar = (k: Candle) => ({ time: k.time as UTCTimestamp, open: toNumber(k.open), high: toNumber(k.high), low: toNumber(k.low), close: toNumber(k.close) });
const volumeBar = (k: Candle) => ({ time: k.time as UTCTimestamp, value: toNumber(k.volume) });

/**
 * Candles + volume with the face value line. Live updates move the last candle with
 * series.update() and never touch the user's zoom or scroll; older pages are prepended with
 * the visible range shifted by the same number of bars, so nothing jumps.
 */
export function PriceChart({ candles, interval, faceValue, onNeedOlder }: { candles: Candle[]; interval: CandleInterval; faceValue: string | null; onNeedOlder?: () => void }) {
  const shown = useRef<Shown>({ interval, first: null, length: 0 });
  const need_older = useRef(onNeedOlder);
  useEffect(() => {
    need_older.current = onNeedOlder;
  }, [onNeedOlder]);
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
    c.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (range && range.from < LOAD_OLDER_MARGIN_BARS) need_older.current?.();
    });
    return () => {
      chart.current = null;
      price.current = null;
      volume.current = null;
      c.remove();
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    const p = price.current;
    const v = volume.current;
    if (!c || !p || !v) return;
    const before = shown.current;
    const first = candles[0]?.time ?? null;
    const last = candles[candles.length - 1];
    shown.current = { interval, first, length: candles.length };
    const same_series = before.interval === interval && before.first !== null && first !== null;
    if (same_series && first === before.first && last && candles.length - before.length <= 1 && candles.length >= before.length) {
      // A live update: only the last candle moved (or one opened).
      p.update(bar(last));
      v.update(volumeBar(last));
      return;
    }
    const range = c.timeScale().getVisibleLogicalRange();
    p.setData(candles.map(bar));
    v.setData(candles.map(volumeBar));
    if (same_series && first! < before.first! && range) {
      // Older history prepended: keep the same candles in view.
      const added = candles.length - before.length;
      c.timeScale().setVisibleLogicalRange({ from: range.from + added, to: range.to + added });
    } else if (candles.length > 0) {
      c.timeScale().setVisibleLogicalRange({ from: Math.max(0, candles.length - INITIAL_BARS), to: candles.length + 2 });
    }
  }, [candles, interval]);

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

  return <div ref={host} className="chart" data-testid="price-chart" data-candles={candles.length} role="img" aria-label="Token price chart" />;
}
