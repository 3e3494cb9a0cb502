// The chart's candle window: bounded, contiguous, and the visible range moves with the
// candles added or dropped at the left, so the user keeps looking at the same candles.
import { describe, expect, it } from 'vitest';
import {
  coarserInterval,
  newerPageBefore,
  pageAroundBefore,
  pageWanted,
  rangeAt,
  trimLive,
  WINDOW_EDGE_BARS,
  WINDOW_PAGE,
  withNewer,
  withOlder,
  type CandleWindow,
} from '../src/store/candle-window';
import type { Candle } from '../../shared/platform/events';

const T0 = 1_700_000_040; // a minute boundary
const candle = (i: number): Candle => ({ time: T0 + i * 60, open: '1', high: '1', low: '1', close: '1', volume: '1' });
const run = (from: number, to: number): Candle[] => Array.from({ length: to - from }, (_, k) => candle(from + k));
const win = (from: number, to: number, over: Partial<CandleWindow> = {}): CandleWindow => ({ candles: run(from, to), reached_start: false, at_live_edge: true, ...over });
const times = (w: CandleWindow) => [w.candles[0]!.time, w.candles[w.candles.length - 1]!.time, w.candles.length];

describe('withOlder', () => {
  it('prepends the page, skips the overlap and shifts the view by the candles added', () => {
    const c = withOlder(win(1000, 1010), run(995, 1001), 6);
    expect(times(c.window)).toEqual([candle(995).time, candle(1009).time, 15]);
    expect(c.shift).toBe(5);
    expect(c.window.reached_start).toBe(false); // a full page: there may be more
    expect(c.window.at_live_edge).toBe(true);
  });
  it('drops the newest past the limit: the window leaves the live edge', () => {
    const c = withOlder(win(100, 110), run(90, 100), 10, 15);
    expect(times(c.window)).toEqual([candle(90).time, candle(104).time, 15]);
    expect(c.shift).toBe(10);
    expect(c.window.at_live_edge).toBe(false);
  });
  it('a short page is the first candle there is', () => {
    expect(withOlder(win(100, 110), run(97, 100), 10).window.reached_start).toBe(true);
  });
  it('refuses a page out of time order', () => {
    expect(() => withOlder(win(100, 110), [candle(99), candle(98)], 10)).toThrow(/not after/);
  });
});

describe('withNewer', () => {
  it('appends, replacing held candles the page covers, and drops the oldest past the limit', () => {
    const held = win(0, 10, { at_live_edge: false });
    const page = run(8, 14).map((c) => ({ ...c, close: '2' }));
    const c = withNewer(held, page, true, 12);
    expect(times(c.window)).toEqual([candle(2).time, candle(13).time, 12]);
    expect(c.window.candles[6]!.close).toBe('2'); // candle 8 is the page's
    expect(c.shift).toBe(-2);
    expect(c.window.at_live_edge).toBe(true);
  });
  it('a page reaching further back than the held candles shifts the view right', () => {
    const c = withNewer(win(5, 10), run(0, 12), true);
    expect(times(c.window)).toEqual([candle(0).time, candle(11).time, 12]);
    expect(c.shift).toBe(5);
  });
  it('an empty page only records the edge', () => {
    const c = withNewer(win(0, 3, { at_live_edge: false }), [], true);
    expect(c.window.candles).toHaveLength(3);
    expect(c.window.at_live_edge).toBe(true);
    expect(c.shift).toBe(0);
  });
});

describe('pageWanted', () => {
  const w = win(0, 3000, { at_live_edge: false });
  it('asks for older candles near the left edge, newer near the right, nothing in between', () => {
    expect(pageWanted(w, { from: WINDOW_EDGE_BARS - 1, to: 1000 })).toBe('older');
    expect(pageWanted(w, { from: 1000, to: 3000 - WINDOW_EDGE_BARS })).toBe('newer');
    expect(pageWanted(w, { from: 1000, to: 2000 })).toBeNull();
  });
  it('asks for nothing past the ends of the history', () => {
    expect(pageWanted({ ...w, reached_start: true, at_live_edge: true }, { from: -50, to: 3100 })).toBeNull();
    expect(pageWanted(w, null)).toBeNull();
  });
});

describe('page anchors', () => {
  it('the next page forward ends a page of intervals after the last held candle, stepping over quiet stretches', () => {
    expect(newerPageBefore(T0, '1m')).toBe(T0 + (WINDOW_PAGE + 1) * 60);
    const quiet = T0 + 5 * WINDOW_PAGE * 60;
    expect(newerPageBefore(T0, '1m', quiet)).toBe(quiet + WINDOW_PAGE * 60);
  });
  it('a jump asks for the page centred on the time', () => {
    expect(pageAroundBefore(T0 + 59, '1m')).toBe(T0 + (WINDOW_PAGE / 2) * 60);
  });
  it('rangeAt centres the view on the candle at or before the time', () => {
    const c = run(0, 100);
    expect(rangeAt(c, candle(40).time + 30, 20)).toEqual({ from: 30, to: 50 });
    expect(rangeAt(c, T0 - 1000, 20)).toEqual({ from: -10, to: 10 });
    expect(rangeAt([], T0, 20)).toBeNull();
  });
});

describe('trimLive', () => {
  it('keeps live growth bounded, shifting the view by what it drops', () => {
    const c = trimLive(win(0, 12, { reached_start: true }), 1);
    expect(c.window.candles).toHaveLength(12); // within limit + a page
    const big = trimLive(win(0, WINDOW_PAGE + 5, { reached_start: true }), 2);
    expect(big.window.candles).toHaveLength(WINDOW_PAGE + 2);
    expect(big.shift).toBe(-3);
    expect(big.window.reached_start).toBe(false);
  });
});

describe('coarserInterval', () => {
  it('offers nothing at ordinary zoom, and an interval that fits the span when zoomed far out', () => {
    expect(coarserInterval('1m', 800)).toBeNull();
    expect(coarserInterval('1m', 3000)).toBe('15m'); // 3000 min / 15 = 200 bars
    expect(coarserInterval('4h', 5000)).toBe('1d');
    expect(coarserInterval('1d', 5000)).toBeNull();
  });
});
