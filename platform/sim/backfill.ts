// History backfill: N days of public trades (and so candles) ending now, from the same
// seeded fair-value process the live simulator uses. Market data only: no account is
// involved, so balances and conservation are untouched.
import type { PlatformCore } from '../core/core.js';
import { priceToTicks, LOTS_PER_TOKEN } from '../core/units.js';
import { FairValue, Rng } from './random.js';

/** Bounds: at most 365 days, at most 500k trades. */
export const MAX_BACKFILL_DAYS = 365;
const MAX_TRADES = 500_000;

export function backfill(core: PlatformCore, days: number, seed: number, mean_gap_s = 45): number {
  if (!(Number.isInteger(days) && days >= 1 && days <= MAX_BACKFILL_DAYS)) throw new Error(`backfill days must be 1..${MAX_BACKFILL_DAYS}`);
  if (core.tradeCount() > 0) return 0;
  const rng = new Rng(seed ^ 0x5eed);
  const face = priceToTicks(core.faceValueUsd())!;
  const fair = new FairValue(rng, face, 0.1);
  const end = core.now_ms();
  let t = end - days * 86_400_000;
  const trades: { time_ms: number; price_ticks: number; lots: number; taker_side: 'buy' | 'sell' }[] = [];
  while (trades.length < MAX_TRADES) {
    const gap_s = -Math.log(Math.max(rng.next(), 1e-9)) * mean_gap_s;
    t += Math.round(gap_s * 1000);
    if (t > end) break;
    const ticks = fair.step(gap_s);
    // Trades print around fair value, half a spread either side.
    const taker_side = rng.chance(0.5) ? 'buy' : 'sell';
    const half_spread = Math.max(1, Math.round(ticks * 0.002 * rng.next()));
    const price_ticks = Math.max(1, taker_side === 'buy' ? ticks + half_spread : ticks - half_spread);
    const lots = Math.max(1, Math.round(Math.exp(rng.next() * Math.log(400)) * LOTS_PER_TOKEN));
    trades.push({ time_ms: t, price_ticks, lots, taker_side });
  }
  return core.importHistory(trades);
}
