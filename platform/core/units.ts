// Scaled integers inside the core. Why: the matching engine runs tens of thousands of
// orders per second and decimal.js per fill is too slow, while integers are exact. Every
// amount crosses the core boundary as a canonical decimal string (see shared/money.ts)
// and is converted here, once, with exactness checked:
//   price    in ticks,  1 tick  = 0.0001 USD   (the tick size)
//   quantity in lots,   1 lot   = 0.01 token   (the lot size; credits use the same unit)
//   cash     in micros, 1 micro = 0.000001 USD (price ticks × lots = micros exactly)
// Every value stays a safe integer: limits below keep price × quantity < 2^53, and
// `assertSafe` throws on any violation (an invariant failure, never silently wrong).
import { D, dec, toCanonical, type Dec } from '../../shared/money.js';

export const TICKS_PER_USD = 10_000;
export const LOTS_PER_TOKEN = 100;
export const MICROS_PER_USD = 1_000_000;

export const TICK_SIZE = '0.0001';
export const LOT_SIZE = '0.01';
/** Price bounds: ≤ 1000 USD keeps price × quantity well inside 2^53 micros. */
export const MIN_PRICE_TICKS = 1;
export const MAX_PRICE_TICKS = 1000 * TICKS_PER_USD;
/** At most one million tokens per order. */
export const MAX_QUANTITY_LOTS = 1_000_000 * LOTS_PER_TOKEN;
/** Largest cash balance an account may hold: 1e9 USD (1e15 micros < 2^53 ≈ 9e15). */
export const MAX_BALANCE_MICROS = 1_000_000_000 * MICROS_PER_USD;
/** Largest token balance: 1e12 tokens. */
export const MAX_TOKEN_LOTS = 1_000_000_000_000 * LOTS_PER_TOKEN;

export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}

export function assertSafe(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new InvariantError(`${what} is not a safe integer: ${n}`);
  return n;
}

/** Converts decimal text to an integer count of `unit`; null when not a whole multiple. */
function scaledOrNull(text: string, per: number): number | null {
  const x: Dec = dec(text).mul(per);
  if (!x.isInteger()) return null;
  const n = x.toNumber();
  return Number.isSafeInteger(n) ? n : null;
}

export const priceToTicks = (s: string): number | null => scaledOrNull(s, TICKS_PER_USD);
export const qtyToLots = (s: string): number | null => scaledOrNull(s, LOTS_PER_TOKEN);
export const usdToMicros = (s: string): number | null => scaledOrNull(s, MICROS_PER_USD);

function scaledToText(n: number, per: number, what: string): string {
  assertSafe(n, what);
  return toCanonical(new D(n).div(per));
}

export const ticksToPrice = (n: number): string => scaledToText(n, TICKS_PER_USD, 'price ticks');
export const lotsToQty = (n: number): string => scaledToText(n, LOTS_PER_TOKEN, 'lots');
export const microsToUsd = (n: number): string => scaledToText(n, MICROS_PER_USD, 'micros');

/** Notional of a fill in micros: ticks × lots (exact by construction of the units). */
export function notionalMicros(price_ticks: number, lots: number): number {
  return assertSafe(price_ticks * lots, 'notional');
}

/** Fee in micros, rounded down (so reservations made at the taker rate always cover it). */
export function feeMicros(notional_micros: number, bps: number): number {
  assert(Number.isInteger(bps) && bps >= 0 && bps <= 10_000, `fee bps out of range: ${bps}`);
  // Split n = q·10000 + r so no intermediate product leaves the safe-integer range.
  const q = Math.floor(notional_micros / 10_000);
  const r = notional_micros - q * 10_000;
  return assertSafe(q * bps + Math.floor((r * bps) / 10_000), 'fee');
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}
