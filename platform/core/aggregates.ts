// Candle and totals updates of a transaction, accumulated in memory and written once at
// its end (or at the end of the group commit that carries it): an order with k fills costs
// 6 candle upserts, not 6k. Dropped, like everything else, if the transaction fails.
import type { CandleInterval } from '../../shared/platform/events.js';
import type { CandleUpsert, PlatformStore, TotalsDelta } from './store.js';
import { CANDLE_SECONDS, INTERVALS } from './types.js';
import { assertSafe } from './units.js';

type CandleAcc = CandleUpsert & { iv: CandleInterval };

export interface AggregatesSnapshot {
  candles: CandleAcc[];
  totals: TotalsDelta;
  dirty: boolean;
}

export class Aggregates {
  private candles = new Map<string, CandleAcc>();
  private totals: TotalsDelta = [0, 0, 0, 0, 0];
  private dirty = false;

  recordCandles(time_ms: number, price: number, lots: number): void {
    const s = Math.floor(time_ms / 1000);
    for (const iv of INTERVALS) {
      const w = CANDLE_SECONDS[iv];
      const bucket = s - (s % w);
      const key = `${iv}:${bucket}`;
      const c = this.candles.get(key);
      if (!c) this.candles.set(key, { iv, bucket, open: price, high: price, low: price, close: price, lots });
      else {
        c.high = Math.max(c.high, price);
        c.low = Math.min(c.low, price);
        c.close = price;
        c.lots = assertSafe(c.lots + lots, 'candle volume');
      }
    }
  }

  addTotals(deposits: number, withdrawals: number, fees: number, minted: number, redeemed: number): void {
    const t = this.totals;
    t[0] += deposits;
    t[1] += withdrawals;
    t[2] += fees;
    t[3] += minted;
    t[4] += redeemed;
    this.dirty = true;
  }

  get pending(): boolean {
    return this.candles.size > 0 || this.dirty;
  }

  /** Writes what accumulated (inside the current transaction). */
  flush(store: PlatformStore): void {
    if (this.candles.size > 0) store.upsertCandles([...this.candles.values()]);
    this.candles.clear();
    if (this.dirty) {
      store.addTotals(this.totals);
      this.totals = [0, 0, 0, 0, 0];
      this.dirty = false;
    }
  }

  snapshot(): AggregatesSnapshot {
    const candles: CandleAcc[] = [];
    for (const c of this.candles.values()) candles.push({ ...c });
    return { candles, totals: [...this.totals], dirty: this.dirty };
  }

  restore(s: AggregatesSnapshot): void {
    this.candles.clear();
    for (const c of s.candles) this.candles.set(`${c.iv}:${c.bucket}`, c);
    this.totals = s.totals;
    this.dirty = s.dirty;
  }

  drop(): void {
    this.candles.clear();
    this.totals = [0, 0, 0, 0, 0];
    this.dirty = false;
  }
}
