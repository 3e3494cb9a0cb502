// Keeps the chart's series in step with the chart store's candle window, outside React (a
// trade must not re-render the panel): live trades update the last candle only and leave the
// user's zoom and scroll alone; pages added or dropped at the left move the visible range by
// the same count, so the same candles stay in view; the visible range asks for the next page
// and is published (store/chart-view.ts) for the views that follow it.
// The host carries what tests and benchmarks read (data-* attributes, read-only).
import { useEffect } from 'react';
import type { LogicalRange } from 'lightweight-charts';
import { useChart, type ChartState } from '../../store/chart';
import { publishVisibleSpan } from '../../store/chart-view';
import { pageWanted, rangeAt } from '../../store/candle-window';
import { bar, volumeBar } from './series-data';
import { setVisibleRange, visibleRange } from './pending-range';
import type { ChartParts } from './use-chart-host';

/** Bars shown when a series is first drawn (the user zooms out from there). */
const INITIAL_BARS = 120;

export function useWindowSync(parts: ChartParts | null, onVisibleBars: (bars: number) => void): void {
  useEffect(() => {
    if (!parts) return;
    const { chart, price, volume, host } = parts;
    // Only changed values are written: each write is a DOM mutation (style invalidation, mutation
    // records), and a live update would otherwise rewrite eight of them with the same values.
    const marked = new Map<string, string>();
    const mark = (name: string, value: string) => {
      if (marked.get(name) === value) return;
      marked.set(name, value);
      host.setAttribute(`data-${name}`, value);
    };
    const scale = chart.timeScale();
    const held = () => useChart.getState().candles;

    const describeRange = (range: LogicalRange | null) => {
      const c = held();
      if (!range || c.length === 0) return;
      const from = c[Math.min(c.length - 1, Math.max(0, Math.ceil(range.from)))]!;
      const to = c[Math.min(c.length - 1, Math.max(0, Math.floor(range.to)))]!;
      mark('visible-from', String(from.time));
      mark('visible-to', String(to.time));
      publishVisibleSpan(Math.min(from.time, to.time), Math.max(from.time, to.time)); // (a view narrower than one bar)
    };
    /** `retry`: a scroll by the user asks again after a failed request; the store's own changes do not. */
    const askForPage = (range: LogicalRange | null, retry: boolean) => {
      const s = useChart.getState();
      if (s.loading || (s.error && !retry)) return;
      const want = pageWanted(s, range);
      if (want === 'older') void s.loadOlder();
      else if (want === 'newer') void s.loadNewer();
    };
    const onRange = (range: LogicalRange | null) => {
      describeRange(range);
      if (range) onVisibleBars(range.to - range.from);
      askForPage(range, true);
    };

    const setAll = (s: ChartState) => {
      price.setData(s.candles.map(bar));
      volume.setData(s.candles.map(volumeBar));
    };
    const markPainted = (revision: number) => requestAnimationFrame(() => (mark('painted', String(revision))));

    const apply = (s: ChartState, prev: ChartState | null) => {
      mark('loading', s.loading ?? '');
      mark('reached-start', String(s.reached_start));
      mark('at-live-edge', String(s.at_live_edge));
      if (prev && s.candles === prev.candles) return askForPage(scale.getVisibleLogicalRange(), false);
      const range = visibleRange(parts);
      const grew = prev ? s.candles.length - prev.candles.length : -1;
      if (prev && s.change.kind === 'live' && (grew === 0 || grew === 1) && s.candles.length > 0) {
        const t0 = performance.now();
        const last = s.candles[s.candles.length - 1]!;
        price.update(bar(last));
        volume.update(volumeBar(last));
        // A new bar at the right edge: follow it only when the newest candle was in view.
        if (grew === 1 && range && range.to < prev.candles.length - 1) setVisibleRange(parts, range);
        const sync_ms = performance.now() - t0;
        // The chart paints in its own animation frame, queued before this one: the work of
        // this update is its sync part plus that frame's work up to here (what else runs in
        // that frame counts too: the measure is the frame the user sees, not the chart alone).
        // Written every time (an equal value is a new measurement: benchmarks count each write).
        requestAnimationFrame((frame_ms) => host.setAttribute('data-live-update-ms', (sync_ms + performance.now() - frame_ms).toFixed(2)));
      } else {
        setAll(s);
        const n = s.candles.length;
        if (s.change.kind === 'shift' && range && prev) setVisibleRange(parts, { from: range.from + s.change.by, to: range.to + s.change.by });
        else if (s.change.kind === 'jump') {
          const r = rangeAt(s.candles, s.change.time, range ? range.to - range.from : INITIAL_BARS);
          if (r) setVisibleRange(parts, r);
        } else if (n > 0) setVisibleRange(parts, { from: Math.max(0, n - INITIAL_BARS), to: n + 2 });
        markPainted(s.revision);
      }
      mark('held', String(s.candles.length));
      mark('first-time', String(s.candles[0]?.time ?? ''));
      mark('last-time', String(s.candles[s.candles.length - 1]?.time ?? ''));
      describeRange(scale.getVisibleLogicalRange());
      askForPage(scale.getVisibleLogicalRange(), false);
    };

    // First draw: what the store holds now (a jump keeps its place, anything else the newest).
    const now = useChart.getState();
    apply({ ...now, change: now.change.kind === 'jump' ? now.change : { kind: 'reset' } }, null);
    const unsubscribe = useChart.subscribe(apply);
    scale.subscribeVisibleLogicalRangeChange(onRange);
    return () => {
      unsubscribe();
      scale.unsubscribeVisibleLogicalRangeChange(onRange);
    };
  }, [parts, onVisibleBars]);
}
