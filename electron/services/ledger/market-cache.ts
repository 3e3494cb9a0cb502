// The market data the chart and the trades list show offline: candles per interval and public
// trades, cached in the ledger file (tables `candles` and `trades`, written by the sync engine's
// market-data fill, read by the wallet API). Bounded per call; every candle is validated.
import type Database from 'better-sqlite3';
import { assert } from '../../../shared/assert.js';
import { Candle, zCandleInterval, type CandleInterval } from '../../../shared/platform/events.js';

/** Most candles (or trades) written or read per call. */
export const CANDLES_MAX = 5000;

/** A public trade as cached for the chart. */
export interface CachedTrade {
  trade_id: string;
  time: string;
  price_usd: string;
  quantity: string;
  side: 'buy' | 'sell' | null;
}

export class MarketCache {
  constructor(private readonly db: Database.Database) {}

  upsertCandles(interval: CandleInterval, candles: readonly unknown[]): number {
    zCandleInterval.parse(interval);
    assert(candles.length <= CANDLES_MAX, `at most ${CANDLES_MAX} candles per call`);
    const parsed = candles.map((c) => Candle.parse(c));
    const st = this.db.prepare(
      'INSERT INTO candles (interval, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (interval, time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume',
    );
    this.db.transaction(() => {
      for (const c of parsed) st.run(interval, c.time, c.open, c.high, c.low, c.close, c.volume);
    })();
    return parsed.length;
  }

  /** Up to `limit` candles before `before` (Unix s, exclusive), oldest first. */
  candles(interval: CandleInterval, before: number | null = null, limit = 500): Candle[] {
    zCandleInterval.parse(interval);
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= CANDLES_MAX, `limit must be 1..${CANDLES_MAX}`);
    const rows = this.db
      .prepare('SELECT time, open, high, low, close, volume FROM candles WHERE interval = ? AND time < ? ORDER BY time DESC LIMIT ?')
      .all(interval, before ?? Number.MAX_SAFE_INTEGER, limit) as Candle[];
    return rows.reverse();
  }

  latestCandleTime(interval: CandleInterval): number | null {
    return (this.db.prepare('SELECT MAX(time) FROM candles WHERE interval = ?').pluck().get(interval) as number | null) ?? null;
  }

  insertTrades(trades: readonly CachedTrade[]): number {
    assert(trades.length <= CANDLES_MAX, `at most ${CANDLES_MAX} trades per call`);
    const st = this.db.prepare(
      'INSERT INTO trades (trade_id, time, price_usd, quantity, side) VALUES (?, ?, ?, ?, ?) ON CONFLICT (trade_id) DO NOTHING',
    );
    let n = 0;
    this.db.transaction(() => {
      for (const t of trades) n += st.run(t.trade_id, t.time, t.price_usd, t.quantity, t.side).changes;
    })();
    return n;
  }

  recentTrades(limit = 100): CachedTrade[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= CANDLES_MAX, 'bad limit');
    return this.db.prepare('SELECT trade_id, time, price_usd, quantity, side FROM trades ORDER BY time DESC, trade_id DESC LIMIT ?').all(limit) as CachedTrade[];
  }

  latestTradeTime(): string | null {
    return (this.db.prepare('SELECT MAX(time) FROM trades').pluck().get() as string | null) ?? null;
  }
}
