// Market store: ticker, order book, recent trades and the chart's candles. Book deltas and
// trades arrive at high rate: they are applied outside React (book.ts) and published at
// most once per animation frame; the live candle moves with each trade.
import { create } from 'zustand';
import type { PublicTrade } from '../../../shared/platform/api';
import type { Candle, CandleInterval, Ticker } from '../../../shared/platform/events';
import { RECENT_TRADES_MAX } from '../../../shared/contract/wallet-api';
import { RendererBook, type BookStats, type BookView } from './book';
import { applyTrades, prependCandles } from './candles';
import { message, walletApi, type DomainBinding } from './session';

/** Candles asked for per page (the platform's page limit is 1000). */
export const CANDLE_PAGE = 500;

export interface ChartState {
  interval: CandleInterval;
  candles: Candle[];
  from_cache: boolean;
  error: string | null;
  loading_older: boolean;
  /** The first candle the platform (or, offline, the cache) has is loaded. */
  reached_start: boolean;
}

interface MarketState {
  ticker: Ticker | null;
  book: BookView | null;
  trades: PublicTrade[];
  chart: ChartState;
  setChartInterval(interval: CandleInterval): void;
  loadCandles(): Promise<void>;
  loadOlderCandles(): Promise<void>;
}

export const useMarket = create<MarketState>((set, get) => ({
  ticker: null,
  book: null,
  trades: [],
  chart: { interval: '15m', candles: [], from_cache: false, error: null, loading_older: false, reached_start: false },
  setChartInterval: (interval) => {
    set({ chart: { interval, candles: [], from_cache: false, error: null, loading_older: false, reached_start: false } });
    void get().loadCandles();
  },
  loadCandles: async () => {
    const interval = get().chart.interval;
    try {
      const res = await walletApi().getCandles({ interval, limit: CANDLE_PAGE });
      if (get().chart.interval !== interval) return; // the user switched while we waited
      set((s) => ({ chart: { ...s.chart, candles: res.candles, from_cache: res.from_cache, error: null, reached_start: res.candles.length < CANDLE_PAGE } }));
    } catch (err) {
      set((s) => ({ chart: { ...s.chart, error: message(err) } }));
    }
  },
  /** One request in flight; stops at the first candle there is. */
  loadOlderCandles: async () => {
    const c = get().chart;
    const first = c.candles[0];
    if (c.loading_older || c.reached_start || !first) return;
    set((s) => ({ chart: { ...s.chart, loading_older: true } }));
    try {
      const res = await walletApi().getCandles({ interval: c.interval, before: first.time, limit: CANDLE_PAGE });
      if (get().chart.interval !== c.interval) return;
      set((s) => ({
        chart: { ...s.chart, candles: prependCandles(res.candles, s.chart.candles), loading_older: false, reached_start: res.candles.length < CANDLE_PAGE, error: null },
      }));
    } catch (err) {
      set((s) => ({ chart: { ...s.chart, loading_older: false, error: message(err) } }));
    }
  },
}));

const book = new RendererBook(walletApi, (view) => useMarket.setState({ book: view }));

/** Applied-delta and gap counters (for the status line and the benchmark). */
export function bookStats(): BookStats {
  return { ...book.stats };
}

/** Trades arrive one by one: the list and the live candle are published once per frame. */
let trade_batch: PublicTrade[] = [];
let trade_reset = false;
let trade_frame_pending = false;
function onTrades(trades: PublicTrade[], reset: boolean): void {
  if (reset) {
    trade_batch = [];
    trade_reset = true;
  }
  trade_batch.push(...trades);
  if (trade_frame_pending) return;
  trade_frame_pending = true;
  requestAnimationFrame(() => {
    trade_frame_pending = false;
    const batch = trade_batch;
    const was_reset = trade_reset;
    trade_batch = [];
    trade_reset = false;
    useMarket.setState((s) => {
      const newest_first = [...batch].sort((a, b) => b.num - a.num);
      const known = new Set(was_reset ? [] : s.trades.map((t) => t.num));
      const list = [...newest_first.filter((t) => !known.has(t.num)), ...(was_reset ? [] : s.trades)].slice(0, RECENT_TRADES_MAX);
      const candles = applyTrades(s.chart.candles, was_reset ? [] : batch, s.chart.interval);
      return { trades: list, chart: candles === s.chart.candles ? s.chart : { ...s.chart, candles } };
    });
  });
}

export const marketBinding: DomainBinding = {
  subscribe: (api) => [
    api.on('market', (m) => useMarket.setState({ ticker: m.ticker })),
    api.on('book', (u) => book.onUpdate(u)),
    api.on('trades', (t) => onTrades(t.trades, t.reset)),
  ],
  load: async (api) => {
    const [market, ob, trades] = await Promise.all([api.getMarket({}), api.getOrderBook({ depth: 500 }), api.getRecentTrades({})]);
    useMarket.setState({ ticker: market.ticker });
    if (ob.book) book.reset(ob.book);
    onTrades(trades.trades, true);
    await useMarket.getState().loadCandles();
  },
};
