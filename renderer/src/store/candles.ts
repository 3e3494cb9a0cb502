// Candle arithmetic for the live chart: a public trade moves the last candle of the shown
// interval (or opens the next one), exactly, with decimal strings.
import { dec } from '../../../shared/money';
import type { PublicTrade } from '../../../shared/platform/api';
import type { Candle, CandleInterval } from '../../../shared/platform/events';

export const INTERVAL_S: Record<CandleInterval, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '4h': 14_400, '1d': 86_400 };

/** The candles after `trades` (any order) on top of `candles` (oldest first). Returns the same array when nothing moved. */
export function applyTrades(candles: readonly Candle[], trades: readonly PublicTrade[], interval: CandleInterval): Candle[] {
  if (candles.length === 0 || trades.length === 0) return candles as Candle[];
  const step = INTERVAL_S[interval];
  const out = candles.slice();
  let moved = false;
  for (const t of [...trades].sort((a, b) => a.num - b.num)) {
    const bucket = Math.floor(Date.parse(t.time) / 1000 / step) * step;
    const last = out[out.length - 1]!;
    if (bucket < last.time) continue; // already inside a closed candle the platform reported
    const p = dec(t.price);
    if (bucket === last.time) {
      out[out.length - 1] = {
        ...last,
        high: p.gt(dec(last.high)) ? t.price : last.high,
        low: p.lt(dec(last.low)) ? t.price : last.low,
        close: t.price,
        volume: dec(last.volume).plus(dec(t.quantity)).toFixed(),
      };
    } else {
      out.push({ time: bucket, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.quantity });
    }
    moved = true;
  }
  return moved ? out : (candles as Candle[]);
}
