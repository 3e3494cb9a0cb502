// The premium over time: how far the market prices a token above its face value
// (close / face − 1), from candles, and its change over N days. Pure and exact (decimal
// strings in and out); the chart converts to numbers for pixels only.
import { D, dec, toCanonical } from '../money.js';
import type { Candle } from '../platform/events.js';

const PREMIUM_PLACES = 8;
const DAY_S = 86_400;

export interface PremiumPoint {
  /** Candle start, Unix seconds. */
  time: number;
  /** close / face − 1, e.g. "0.52" for +52%. */
  premium: string;
}

export function premiumSeries(candles: readonly Candle[], face_value: string): PremiumPoint[] {
  const face = dec(face_value);
  if (!face.gt(0)) throw new Error(`premiumSeries: face value must be positive, got ${face_value}`);
  return candles.map((c) => ({ time: c.time, premium: toCanonical(dec(c.close).div(face).minus(1).toDecimalPlaces(PREMIUM_PLACES, D.ROUND_HALF_EVEN)) }));
}

/**
 * The premium's change (in premium units: "0.031" = +3.1 percentage points) from the last
 * point at or before `now_s − days` to the latest point; null when the series does not
 * reach that far back. The series is oldest first.
 */
export function premiumChange(series: readonly PremiumPoint[], days: number, now_s: number): string | null {
  if (!Number.isInteger(days) || days <= 0) throw new Error(`premiumChange: days must be a positive integer, got ${days}`);
  const latest = series.at(-1);
  if (!latest) return null;
  const cutoff = now_s - days * DAY_S;
  let then: PremiumPoint | null = null;
  for (const p of series) {
    if (p.time <= cutoff) then = p;
    else break;
  }
  return then === null ? null : toCanonical(dec(latest.premium).minus(dec(then.premium)));
}
