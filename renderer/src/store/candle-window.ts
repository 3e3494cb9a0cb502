// The chart's window onto a long candle history, as pure arithmetic. lightweight-charts slows
// down with the length of a series (0.9 s first paint at 100k candles, 6.6 s at 1M), so the
// chart holds at most WINDOW_MAX_HELD candles around what is visible: pages come in from the
// wallet API as the user scrolls (one request in flight) and the far side is dropped.
// Logical indexes are positions in the held array, which is what the chart's time scale uses;
// when the array changes at its left end the visible range moves by the same count.
import { assert } from '../../../shared/assert';
import type { Candle, CandleInterval } from '../../../shared/platform/events';
import { INTERVAL_S } from './candles';

/** Candles per request (the platform's page limit). */
export const WINDOW_PAGE = 1000;
/** Most candles the chart holds at once. */
export const WINDOW_MAX_HELD = 5000;
/** A page is asked for when the visible range comes this close (in bars) to a held edge. */
export const WINDOW_EDGE_BARS = 300;
/** Above this many visible bars a coarser interval is offered. */
export const COARSER_AT_BARS = 1500;

export interface LogicalRange {
  from: number;
  to: number;
}

/** What the chart holds: candles oldest first, and which ends of the history they reach. */
export interface CandleWindow {
  candles: Candle[];
  /** The first candle the platform (offline: the cache) has is held. */
  reached_start: boolean;
  /** The newest candle is held, so live trades move it. */
  at_live_edge: boolean;
}

/** A change to the held candles, and how far the chart's logical range moves with it. */
export interface WindowChange {
  window: CandleWindow;
  /** Add to the visible logical range so the same candles stay in view. */
  shift: number;
}

/** The chart refuses candles out of time order; a page from the wrong place must never reach it. */
function assertAscending(candles: readonly Candle[]): void {
  for (let i = 1; i < candles.length; i++) assert(candles[i]!.time > candles[i - 1]!.time, `window: candle ${i} not after the one before`);
}

/** Older candles (a page ending before the first held one) in front; the newest are dropped past the limit. */
export function withOlder(w: CandleWindow, page: readonly Candle[], page_limit: number, max_held = WINDOW_MAX_HELD): WindowChange {
  const first = w.candles[0]?.time ?? Number.POSITIVE_INFINITY;
  const older = page.filter((c) => c.time < first);
  let candles = [...older, ...w.candles];
  assertAscending(candles);
  const over = candles.length - max_held;
  if (over > 0) candles = candles.slice(0, max_held);
  return {
    window: { candles, reached_start: page.length < page_limit, at_live_edge: w.at_live_edge && over <= 0 },
    shift: older.length,
  };
}

/**
 * Newer candles behind the held ones; a candle of the page at a held time replaces it (the
 * platform's is the closed figure). The oldest are dropped past the limit.
 */
export function withNewer(w: CandleWindow, page: readonly Candle[], at_live_edge: boolean, max_held = WINDOW_MAX_HELD): WindowChange {
  if (page.length === 0) return { window: { ...w, at_live_edge }, shift: 0 };
  const from = page[0]!.time;
  let candles = [...w.candles.filter((c) => c.time < from), ...page];
  assertAscending(candles);
  // A page reaching further back than the held candles puts some in front of them.
  const old_first = w.candles[0]?.time ?? Number.NEGATIVE_INFINITY;
  const in_front = candles.filter((c) => c.time < old_first).length;
  const dropped = Math.max(0, candles.length - max_held);
  if (dropped > 0) candles = candles.slice(dropped);
  return { window: { candles, reached_start: w.reached_start && dropped === 0, at_live_edge }, shift: in_front - dropped };
}

/** Which page the visible range needs next, if any. Older first: scrolling back is the common case. */
export function pageWanted(w: CandleWindow, visible: LogicalRange | null): 'older' | 'newer' | null {
  if (!visible || w.candles.length === 0) return null;
  if (!w.reached_start && visible.from < WINDOW_EDGE_BARS) return 'older';
  if (!w.at_live_edge && visible.to > w.candles.length - 1 - WINDOW_EDGE_BARS) return 'newer';
  return null;
}

/**
 * The `before` of the page after the last held candle. The API pages backwards only, so the
 * page ends a page's span of intervals later; a quiet stretch with no candles in it is
 * stepped over by the caller with `min_before` (the last anchor that brought nothing new).
 */
export function newerPageBefore(last_time: number, interval: CandleInterval, min_before = 0): number {
  return Math.max(last_time + (WINDOW_PAGE + 1) * INTERVAL_S[interval], min_before + WINDOW_PAGE * INTERVAL_S[interval]);
}

/** The `before` of a page centred on `time` (a jump far back: "Go to"). */
export function pageAroundBefore(time: number, interval: CandleInterval): number {
  const step = INTERVAL_S[interval];
  return Math.floor(time / step) * step + (WINDOW_PAGE / 2) * step;
}

/** The logical range that shows `bars` bars ending at the candle at or before `time` (for a jump). */
export function rangeAt(candles: readonly Candle[], time: number, bars: number): LogicalRange | null {
  if (candles.length === 0) return null;
  let i = candles.length - 1;
  // Binary search: the last candle with time <= `time` (or the first one).
  let lo = 0;
  let hi = candles.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (candles[mid]!.time <= time) {
      i = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (candles[0]!.time > time) i = 0;
  const half = Math.max(1, Math.floor(bars / 2));
  return { from: i - half, to: i + half };
}

/** Live candles grow the window one at a time at the live edge: trim the oldest past the limit plus a page. */
export function trimLive(w: CandleWindow, max_held = WINDOW_MAX_HELD): WindowChange {
  const over = w.candles.length - (max_held + WINDOW_PAGE);
  if (over <= 0) return { window: w, shift: 0 };
  return { window: { ...w, candles: w.candles.slice(over), reached_start: false }, shift: -over };
}

const ORDER: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

/** A coarser interval that shows this span in at most COARSER_AT_BARS / 4 bars, when zoomed far out. */
export function coarserInterval(interval: CandleInterval, visible_bars: number): CandleInterval | null {
  if (visible_bars <= COARSER_AT_BARS) return null;
  const span_s = visible_bars * INTERVAL_S[interval];
  const coarser = ORDER.slice(ORDER.indexOf(interval) + 1);
  return coarser.find((c) => span_s / INTERVAL_S[c] <= COARSER_AT_BARS / 4) ?? coarser[coarser.length - 1] ?? null;
}
