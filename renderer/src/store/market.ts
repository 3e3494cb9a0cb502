// Market store: ticker, order book and recent trades (the chart's candles: chart.ts). Book deltas and
// trades arrive at high rate: they are applied outside React (book.ts) and published at
// most once per animation frame; the live candle moves with each trade.
import { create } from 'zustand';
import { BOOK_DEPTH_MAX, type PublicTrade } from '../../../shared/platform/api';
import type { Ticker } from '../../../shared/platform/events';
import { RECENT_TRADES_MAX } from '../../../shared/contract/wallet-api';
import { RendererBook, type BookStats, type BookView } from './book';
import { applyLiveTrades, useChart } from './chart';
import { walletApi, type DomainBinding } from './session';

interface MarketState {
  ticker: Ticker | null;
  book: BookView | null;
  trades: PublicTrade[];
}

export const useMarket = create<MarketState>(() => ({
  ticker: null,
  book: null,
  trades: [],
}));

/** Best bid and ask: the live book's when there is one (the ticker lags it), else the ticker's. */
export const selectBestBid = (s: MarketState): string | null => s.book?.bids[0]?.price ?? s.ticker?.bid ?? null;
export const selectBestAsk = (s: MarketState): string | null => s.book?.asks[0]?.price ?? s.ticker?.ask ?? null;

const book = new RendererBook(walletApi, (view) => useMarket.setState({ book: view }));

/** Every bid the live book holds, best first; null while there is no live book. */
export function heldBids(): readonly (readonly [string, string])[] | null {
  return useMarket.getState().book ? book.bidLevels() : null;
}

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
      return { trades: list };
    });
    if (!was_reset) applyLiveTrades(batch);
  });
}

export const marketBinding: DomainBinding = {
  subscribe: (api) => [
    api.on('market', (m) => useMarket.setState({ ticker: m.ticker })),
    api.on('book', (u) => book.onUpdate(u)),
    api.on('trades', (t) => onTrades(t.trades, t.reset)),
  ],
  load: async (api) => {
    // The chart's newest page comes alongside (its first paint waits for nothing else).
    const [market, ob, trades] = await Promise.all([api.getMarket({}), api.getOrderBook({ depth: BOOK_DEPTH_MAX }), api.getRecentTrades({}), useChart.getState().loadLatest()]);
    useMarket.setState({ ticker: market.ticker });
    if (ob.book) book.reset(ob.book);
    onTrades(trades.trades, true);
  },
};
