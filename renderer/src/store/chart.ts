// Chart store: the interval and the window of candles the chart holds (candle-window.ts).
// Pages come from the wallet API (`getCandles`, paged backwards with `before`; the main
// process caches them in the ledger file for offline use), one request in flight; live
// trades move the last candle only while the window reaches the live edge.
import { create } from 'zustand';
import type { PublicTrade } from '../../../shared/platform/api';
import type { Candle, CandleInterval } from '../../../shared/platform/events';
import { applyTrades } from './candles';
import { newerPageBefore, pageAroundBefore, trimLive, WINDOW_PAGE, withNewer, withOlder, type CandleWindow, type WindowChange } from './candle-window';
import { message, walletApi } from './session';
import { backoffMs, type BackoffPolicy } from '../../../shared/backoff';

/**
 * A page that did not come from the platform (a failed request, or the local cache answering
 * while the platform is unreachable) is asked for again after this backoff: the end of the
 * cache is not the start of the history, and one failure must not strand the chart.
 */
const PAGE_RETRY: BackoffPolicy = { base_ms: 1_000, max_ms: 30_000, jitter: 0.2 };

/** Why the candles last changed, so the chart view knows whether to keep, shift or set its range. */
export type ChartChange =
  | { kind: 'reset' } // a new interval or the first page: show the newest candles
  | { kind: 'shift'; by: number } // pages added or dropped: keep the same candles in view
  | { kind: 'live' } // the last candle moved or one opened: update only
  | { kind: 'jump'; time: number }; // "Go to": show this time

export interface ChartState extends CandleWindow {
  interval: CandleInterval;
  from_cache: boolean;
  error: string | null;
  /** The request in flight, if any (one at a time). */
  loading: 'latest' | 'older' | 'newer' | 'jump' | null;
  change: ChartChange;
  /** Counts changes, so a view can tell two equal changes apart. */
  revision: number;
  /** Paging forward: the last `before` that brought nothing new (a quiet stretch is stepped over). */
  forward_before: number;
  /** `reached_start` was taken from the cache's first candle, not the platform's: it is asked again. */
  start_from_cache: boolean;
  /** Consecutive pages that failed or came from the cache (the backoff's attempt). */
  retry_attempt: number;
  setInterval(interval: CandleInterval): void;
  loadLatest(): Promise<void>;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  goTo(time_s: number): Promise<void>;
}

/** A first page shorter than a page holds the first candle: the platform's, or only the cache's. */
const startOf = (page: readonly Candle[], from_cache: boolean) => {
  const reached_start = page.length < WINDOW_PAGE;
  return { reached_start, start_from_cache: reached_start && from_cache };
};

const EMPTY: CandleWindow = { candles: [], reached_start: false, at_live_edge: true };

export const useChart = create<ChartState>((set, get) => {
  /** Runs one request if none is in flight; drops its answer when the interval changed meanwhile. */
  let retry_timer: ReturnType<typeof setTimeout> | null = null;
  /** After a failed or cached page: ask the view again later (it requests what it still needs). */
  function scheduleRetry(): void {
    if (retry_timer !== null) return;
    const { interval, retry_attempt } = get();
    retry_timer = setTimeout(() => {
      retry_timer = null;
      const s = get();
      if (s.interval !== interval || s.loading) return;
      set({
        retry_attempt: retry_attempt + 1,
        error: null,
        reached_start: s.start_from_cache ? false : s.reached_start,
        change: { kind: 'shift', by: 0 },
        revision: s.revision + 1,
      });
    }, backoffMs(PAGE_RETRY, retry_attempt));
  }

  async function request(kind: NonNullable<ChartState['loading']>, before: number | undefined, apply: (candles: Candle[], s: ChartState, from_cache: boolean) => Partial<ChartState>): Promise<void> {
    const s0 = get();
    if (s0.loading && !(kind === 'latest' || kind === 'jump')) return;
    const interval = s0.interval;
    set({ loading: kind });
    try {
      const res = await walletApi().getCandles(before === undefined ? { interval, limit: WINDOW_PAGE } : { interval, before, limit: WINDOW_PAGE });
      const s = get();
      if (s.interval !== interval || s.loading !== kind) return; // superseded
      set({
        ...apply(res.candles, s, res.from_cache),
        from_cache: res.from_cache,
        retry_attempt: res.from_cache ? s.retry_attempt : 0,
        error: null,
        loading: null,
        revision: s.revision + 1,
      });
      if (res.from_cache) scheduleRetry();
    } catch (err) {
      if (get().interval !== interval) return;
      set({ loading: null, error: message(err) });
      scheduleRetry();
    }
  }
  const changed = (c: WindowChange, extra: Partial<ChartState> = {}): Partial<ChartState> => ({ ...c.window, change: { kind: 'shift', by: c.shift }, ...extra });

  return {
    interval: '15m',
    ...EMPTY,
    from_cache: false,
    error: null,
    loading: null,
    change: { kind: 'reset' },
    revision: 0,
    forward_before: 0,
    start_from_cache: false,
    retry_attempt: 0,
    setInterval: (interval) => {
      set({ interval, ...EMPTY, from_cache: false, error: null, loading: null, change: { kind: 'reset' }, revision: get().revision + 1, forward_before: 0, start_from_cache: false, retry_attempt: 0 });
      void get().loadLatest();
    },
    /** The newest page: the first load, or after a reconnect (merged, so a window at the live edge keeps its place). */
    loadLatest: () =>
      request('latest', undefined, (page, s, from_cache) => {
        if (s.candles.length === 0 || !s.at_live_edge) return { candles: page, ...startOf(page, from_cache), at_live_edge: true, change: { kind: 'reset' } };
        return changed(withNewer(s, page, true));
      }),
    loadOlder: async () => {
      const s = get();
      const first = s.candles[0];
      if (!first || (s.reached_start && !s.start_from_cache)) return;
      await request('older', first.time, (page, now, from_cache) => {
        const c = withOlder(now, page, WINDOW_PAGE);
        return changed(c, { start_from_cache: c.window.reached_start && from_cache });
      });
    },
    loadNewer: async () => {
      const s = get();
      const last = s.candles[s.candles.length - 1];
      if (!last || s.at_live_edge) return;
      const before = newerPageBefore(last.time, s.interval, s.forward_before);
      await request('newer', before, (page, now) => {
        const fresh = page.filter((c) => c.time > last.time);
        // Fewer new candles than a full page: the newest there is, or a quiet stretch. The newest
        // page settles which (and joins the live edge) when the anchor has passed the present.
        const passed_now = before * 1000 > Date.now();
        if (fresh.length === 0) return passed_now ? { at_live_edge: true, change: { kind: 'shift', by: 0 } } : { forward_before: before, change: { kind: 'shift', by: 0 } };
        return changed(withNewer(now, fresh, passed_now && fresh.length < WINDOW_PAGE), { forward_before: 0 });
      });
      // Joined the present: the newest page brings the live candle as the platform has it.
      if (get().at_live_edge) await get().loadLatest();
    },
    goTo: (time_s) =>
      request('jump', pageAroundBefore(time_s, get().interval), (page, _s, from_cache) => ({
        candles: page,
        ...startOf(page, from_cache),
        at_live_edge: false,
        forward_before: 0,
        change: { kind: 'jump', time: time_s },
      })),
  };
});

/** Trades of one frame move the live candle (only while the window holds the newest candles). */
export function applyLiveTrades(batch: readonly PublicTrade[]): void {
  const s = useChart.getState();
  if (!s.at_live_edge || s.loading === 'latest' || batch.length === 0) return;
  const candles = applyTrades(s.candles, batch, s.interval);
  if (candles === s.candles) return;
  const trimmed = trimLive({ candles, reached_start: s.reached_start, at_live_edge: true });
  const change: ChartChange = trimmed.shift === 0 ? { kind: 'live' } : { kind: 'shift', by: trimmed.shift };
  useChart.setState({ ...trimmed.window, change, revision: s.revision + 1 });
}
