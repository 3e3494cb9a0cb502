// The visible range a chart is about to show. lightweight-charts applies a range set with
// setVisibleLogicalRange at its next frame and reports the old one until then, so a second
// change in the same frame (a quick key press after another, a live candle's "keep the view")
// must start from the range already asked for, or the first one is lost (measured: 12 quick
// Page Ups moved 3 views).
import type { LogicalRange } from 'lightweight-charts';
import type { ChartParts } from './use-chart-host';

const asked = new WeakMap<ChartParts, LogicalRange>();

/** The range last asked for and not yet applied, else the chart's own. */
export function visibleRange(parts: ChartParts): LogicalRange | null {
  return asked.get(parts) ?? parts.chart.timeScale().getVisibleLogicalRange();
}

/** Sets the visible range and remembers it until the chart has applied it (its next frame). */
export function setVisibleRange(parts: ChartParts, to_show: { from: number; to: number }): void {
  const range = to_show as LogicalRange; // logical indices, as the chart reports them
  parts.chart.timeScale().setVisibleLogicalRange(range);
  asked.set(parts, range);
  // The chart paints (and applies the range) in a frame queued before this one.
  requestAnimationFrame(() => {
    if (asked.get(parts) === range) asked.delete(parts);
  });
}

/** A change the chart applies itself (scroll to the newest candle): nothing is pending any more. */
export function forgetRange(parts: ChartParts): void {
  asked.delete(parts);
}
