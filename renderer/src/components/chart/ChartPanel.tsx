// The price chart as one panel, reading everything from the stores: interval toolbar, the
// OHLC legend, candles + volume (a bounded window of the history, paged as the user scrolls:
// store/chart.ts), face value, average cost and open-order lines, offline and error notes.
// `workspace` fills its (resizable) container; `full` is the Markets page's tall chart.
import { memo, useCallback, useMemo, useState, type KeyboardEvent } from 'react';
import { useChart } from '../../store/chart';
import { useInstrument, useTokenSymbol } from '../../store/instrument';
import { useMarket } from '../../store/market';
import { useOrders } from '../../store/orders';
import { useTax } from '../../store/tax';
import { coarserInterval } from '../../store/candle-window';
import { TICK_SIZE } from '../../../../shared/contract/orders';
import type { CandleInterval } from '../../../../shared/platform/events';
import { averageCost, orderLines } from './chart-lines';
import { ChartLegend } from './ChartLegend';
import { IntervalToolbar } from './IntervalToolbar';
import { priceFormat } from './series-data';
import { useChartHost, type ChartParts } from './use-chart-host';
import { usePriceLines } from './use-price-lines';
import { useWindowSync } from './use-window-sync';
import { forgetRange, setVisibleRange, visibleRange } from './pending-range';

/** The market's tick: the instrument's when it carries one, else the platform default. */
function useTickSize(): string {
  return useInstrument((s) => (s.instrument as { tick_size?: string } | null)?.tick_size ?? TICK_SIZE);
}

/** Arrow keys scroll a tenth of the view, Page Up/Down a whole view, + and − zoom in and out,
 *  End returns to the newest candle. */
function moveByKey(parts: ChartParts, e: KeyboardEvent<HTMLDivElement>): void {
  // From the range the previous key asked for (pending-range.ts): quick presses add up.
  const r = visibleRange(parts);
  if (e.key === 'End') {
    forgetRange(parts);
    parts.chart.timeScale().scrollToRealTime();
  } else if (r && KEY_STEPS[e.key] !== undefined) {
    const by = (r.to - r.from) * KEY_STEPS[e.key]!;
    setVisibleRange(parts, { from: r.from + by, to: r.to + by });
  } else if (r && KEY_ZOOM[e.key] !== undefined) {
    const bars = Math.max(MIN_BARS_SHOWN, (r.to - r.from) * KEY_ZOOM[e.key]!);
    // With the newest candle in view, its edge stays put (as live charts zoom); else the centre.
    const newest_in_view = r.to >= useChart.getState().candles.length - 1;
    const to = newest_in_view ? r.to : (r.from + r.to) / 2 + bars / 2;
    setVisibleRange(parts, { from: to - bars, to });
  } else return;
  e.preventDefault();
}
const KEY_STEPS: Record<string, number> = { ArrowLeft: -0.1, ArrowRight: 0.1, PageUp: -1, PageDown: 1 };
/** The view's width is multiplied by these (`=` is `+` without Shift on most layouts). */
const KEY_ZOOM: Record<string, number> = { '+': 0.8, '=': 0.8, '-': 1.25, '_': 1.25 };
/** Zooming in stops at this many bars in view. */
const MIN_BARS_SHOWN = 10;

/** Memoised: the page around it re-renders on every ticker change; the chart follows its stores itself. */
export const ChartPanel = memo(function ChartPanel({ variant }: { variant: 'workspace' | 'full' }) {
  const { host, parts } = useChartHost();
  const tick = useTickSize();
  const symbol = useTokenSymbol();
  const face_value = useMarket((s) => s.ticker?.face_value ?? null);
  const cost = useTax((s) => averageCost(s.view));
  const orders = useOrders((s) => s.orders);
  const external = useOrders((s) => s.external);
  const lines = useMemo(() => orderLines(orders, external), [orders, external]);
  const format = useMemo(() => priceFormat(tick), [tick]);
  const from_cache = useChart((s) => s.from_cache);
  const error = useChart((s) => s.error);
  const interval = useChart((s) => s.interval);
  const [suggest, setSuggest] = useState<CandleInterval | null>(null);
  const onVisibleBars = useCallback((bars: number) => setSuggest(coarserInterval(useChart.getState().interval, bars)), []);

  usePriceLines(parts, face_value, cost, lines, format);
  useWindowSync(parts, onVisibleBars);

  return (
    <section className={`chart-panel chart-panel-${variant}`} aria-label="Price chart" data-testid="chart-panel">
      <IntervalToolbar suggest={suggest} />
      <ChartLegend parts={parts} tickSize={tick} symbol={symbol} />
      {from_cache && <p className="muted small chart-note">Offline: showing cached candles.</p>}
      {error && (
        <p className="error-text small chart-note" role="alert">
          Could not load candles: {error}
        </p>
      )}
      <div
        ref={host}
        className="chart-host"
        data-testid="price-chart"
        data-interval={interval}
        role="img"
        aria-label={`${symbol} price chart, ${interval} candles, with volume (arrow keys scroll, plus and minus zoom)`}
        tabIndex={0}
        onKeyDown={(e) => parts && moveByKey(parts, e)}
      />
    </section>
  );
});
