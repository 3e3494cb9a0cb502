// Public market data: instrument, ticker, book snapshot, candles, trades, and the
// simulator's history import. Reads the store and the in-memory book; writes only history.
import { D, dec, toCanonical } from '../../shared/money.js';
import type { CandleInterval, Ticker } from '../../shared/platform/events.js';
import type { BookSnapshot, CandlesPage, MarketInfo, PublicTrade } from '../../shared/platform/api.js';
import { SYMBOL, TOKEN_DISPLAY_NAME, TOKEN_SYMBOL } from '../../shared/platform/api.js';
import type { Side } from './book.js';
import type { CoreKernel } from './kernel.js';
import type { CandleRow, TradeRow } from './store.js';
import { faceValue } from './types.js';
import { assert, isoFromMs, LOT_SIZE, lotsToQty, MAX_PRICE_TICKS, MAX_QUANTITY_LOTS, MIN_PRICE_TICKS, TICK_SIZE, ticksToPrice } from './units.js';

export class MarketData {
  constructor(private readonly k: CoreKernel) {}

  faceValueUsd(): string {
    return faceValue(this.k.config.default_plan);
  }

  /** Last trade price, or face value before the first trade. */
  marketPrice(): string {
    return this.k.last_trade_ticks === null ? this.faceValueUsd() : ticksToPrice(this.k.last_trade_ticks);
  }

  marketInfo(): MarketInfo {
    const c = this.k.config;
    return {
      symbol: SYMBOL,
      base_symbol: TOKEN_SYMBOL,
      display_name: TOKEN_DISPLAY_NAME,
      tick_size: TICK_SIZE,
      lot_size: LOT_SIZE,
      min_price: ticksToPrice(MIN_PRICE_TICKS),
      max_price: ticksToPrice(MAX_PRICE_TICKS),
      max_quantity: lotsToQty(MAX_QUANTITY_LOTS),
      maker_fee_bps: c.maker_fee_bps,
      taker_fee_bps: c.taker_fee_bps,
      withdrawal_fee_usd: c.withdrawal_fee_usd,
      face_value_usd: this.faceValueUsd(),
    };
  }

  ticker(): Ticker {
    const k = this.k;
    k.flushAggregatesForRead();
    const now = k.now_ms();
    // Rolling 24 h by 1-minute buckets: at most 1440 rows, whatever the trade rate.
    const from_s = Math.floor((now - 24 * 3600 * 1000) / 1000);
    const vol = k.store.volumeSince(from_s - (from_s % 60));
    const face = this.faceValueUsd();
    const last = k.last_trade_ticks === null ? null : ticksToPrice(k.last_trade_ticks);
    const bid = k.book.bestBid();
    const ask = k.book.bestAsk();
    return {
      symbol: SYMBOL,
      last,
      bid: bid === null ? null : ticksToPrice(bid),
      ask: ask === null ? null : ticksToPrice(ask),
      volume_24h: lotsToQty(vol),
      face_value: face,
      premium: last === null ? null : toCanonical(dec(last).div(dec(face)).minus(1).toDecimalPlaces(8, D.ROUND_HALF_EVEN)),
      time: isoFromMs(now),
    };
  }

  bookSnapshot(depth: number): BookSnapshot {
    const d = this.k.book.depth(depth);
    const fmt = (lv: [number, number][]): [string, string][] => lv.map(([p, q]) => [ticksToPrice(p), lotsToQty(q)]);
    return { symbol: SYMBOL, seq: this.k.book_seq, bids: fmt(d.bids), asks: fmt(d.asks), time: isoFromMs(this.k.now_ms()) };
  }

  candles(interval: CandleInterval, before_s: number | undefined, limit: number): CandlesPage {
    this.k.flushAggregatesForRead();
    return candlesPage(interval, this.k.store.candles(interval, before_s ?? Number.MAX_SAFE_INTEGER, limit));
  }

  trades(before_num: number | undefined, limit: number): PublicTrade[] {
    return this.k.store.trades(before_num ?? Number.MAX_SAFE_INTEGER, limit).map(tradeView);
  }

  /**
   * Inserts historical public trades (simulator backfill): market data only, no account
   * takes part. Refused once live trades exist, so history never interleaves with them.
   */
  importHistory(trades: { time_ms: number; price_ticks: number; lots: number; taker_side: Side }[]): number {
    assert(trades.length <= 1_000_000, 'history batch too large');
    const k = this.k;
    return k.tx(() => {
      assert(k.store.tradeCount() === 0, 'history import needs an empty trade table');
      let prev = -Infinity;
      for (const t of trades) {
        assert(t.time_ms >= prev && t.time_ms <= k.now_ms(), 'history out of order or in the future');
        assert(Number.isSafeInteger(t.price_ticks) && t.price_ticks >= MIN_PRICE_TICKS && t.price_ticks <= MAX_PRICE_TICKS, 'history price');
        assert(Number.isSafeInteger(t.lots) && t.lots > 0 && t.lots <= MAX_QUANTITY_LOTS, 'history quantity');
        prev = t.time_ms;
        k.store.insertTrade(t.time_ms, t.price_ticks, t.lots, t.taker_side, null, null);
        k.aggregates.recordCandles(t.time_ms, t.price_ticks, t.lots);
      }
      const last = trades[trades.length - 1];
      if (last) k.last_trade_ticks = last.price_ticks;
      return trades.length;
    });
  }
}

/** A candles page from stored rows, newest first as read (also the PostgreSQL reader's, http/reader.ts). */
export function candlesPage(interval: CandleInterval, newest_first: CandleRow[]): CandlesPage {
  return {
    interval,
    candles: [...newest_first].reverse().map((r) => ({
      time: r.bucket_s,
      open: ticksToPrice(r.open_ticks),
      high: ticksToPrice(r.high_ticks),
      low: ticksToPrice(r.low_ticks),
      close: ticksToPrice(r.close_ticks),
      volume: lotsToQty(r.volume_lots),
    })),
  };
}

export function tradeView(r: TradeRow): PublicTrade {
  return { trade_id: `trd_${r.num}`, num: r.num, price: ticksToPrice(r.price_ticks), quantity: lotsToQty(r.qty_lots), taker_side: r.taker_side, time: isoFromMs(r.time_ms) };
}
