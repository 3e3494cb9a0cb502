// The premium over time (close / face value − 1) for the selected interval, beside the price.
// It follows the price chart's zoom and scroll (store/chart-view.ts): the two show the same
// span, so a move in the price can be read against the premium at the same moment. It does
// not scroll or zoom on its own (one view is moved, the other follows).
import { memo, useEffect, useRef } from 'react';
import { createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '../../../shared/platform/events';
import { CHART_OPTIONS, useChartOptions } from './chart-theme';
import { premiumSeries } from '../../../shared/compute/premium';
import { useChart, type ChartState } from '../store/chart';
import { useChartView, type VisibleSpan } from '../store/chart-view';

/** Live trades move the premium line at most this often. */
const PREMIUM_LIVE_MS = 1_000;

export const PremiumChart = memo(function PremiumChart({ faceValue }: { faceValue: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const line = useRef<ISeriesApi<'Line'> | null>(null);
  const look = useChartOptions();

  useEffect(() => {
    if (!host.current) return;
    // The attribution logo is off from creation: made with the defaults, its inline style breaks the CSP.
    const c = createChart(host.current, { ...CHART_OPTIONS, handleScroll: false, handleScale: false });
    line.current = c.addSeries(LineSeries, { lineWidth: 2, priceFormat: { type: 'percent', precision: 2, minMove: 0.01 } });
    chart.current = c;
    // What tests read: the span the chart shows once it applied a change (first and last point).
    const el = host.current;
    c.timeScale().subscribeVisibleTimeRangeChange((shown) => {
      if (!shown) return;
      el.setAttribute('data-visible-from', String(shown.from));
      el.setAttribute('data-visible-to', String(shown.to));
    });
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

  // Kept in step with the chart store outside React (a trade must not re-render the page). A
  // live trade moves one point, at most once per PREMIUM_LIVE_MS: the premium is a view over
  // hours and days, and its paint must not share every frame with the price chart's.
  useEffect(() => {
    const series = line.current;
    if (!faceValue || !series) return;
    let drawn: readonly Candle[] | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const point = (c: Candle) => {
      const p = premiumSeries([c], faceValue)[0]!;
      return { time: p.time as UTCTimestamp, value: Number(p.premium) * 100 };
    };
    const draw = (candles: readonly Candle[]) => {
      const before = drawn;
      drawn = candles;
      const grew = before ? candles.length - before.length : -1;
      const last = candles[candles.length - 1];
      if (before && last && (grew === 0 || grew === 1) && before[0] === candles[0]) return series.update(point(last));
      // Exact premiums, then numbers (percent) for pixels only.
      series.setData(premiumSeries(candles, faceValue).map((p) => ({ time: p.time as UTCTimestamp, value: Number(p.premium) * 100 })));
      follow(useChartView.getState().visible);
    };
    /** Shows the price chart's span (all of the data until the price chart has one). */
    const follow = (span: VisibleSpan | null) => {
      const c = chart.current;
      if (!c || !drawn || drawn.length === 0) return;
      if (span) c.timeScale().setVisibleRange({ from: span.from_s as UTCTimestamp, to: span.to_s as UTCTimestamp });
      else c.timeScale().fitContent();
    };
    const onChange = (s: ChartState) => {
      if (s.change.kind !== 'live') {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        return draw(s.candles);
      }
      timer ??= setTimeout(() => {
        timer = null;
        draw(useChart.getState().candles);
      }, PREMIUM_LIVE_MS);
    };
    draw(useChart.getState().candles);
    const unsubscribe = useChart.subscribe((s, prev) => s.candles !== prev.candles && onChange(s));
    const unfollow = useChartView.subscribe((v, prev) => v.visible !== prev.visible && follow(v.visible));
    return () => {
      unsubscribe();
      unfollow();
      if (timer !== null) clearTimeout(timer);
    };
  }, [faceValue]);

  return <div ref={host} className="chart chart-premium" data-testid="premium-chart" role="img" aria-label="Premium over face value chart" />;
});
