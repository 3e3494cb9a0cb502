// Scaled integers inside the core. Why: the matching engine runs tens of thousands of
// orders per second and decimal.js per fill is too slow, while integers are exact. Every
// amount crosses the core boundary as a canonical decimal string (see shared/money.ts)
// and is converted here, once, with exactness checked:
//   price    in ticks,  1 tick  = 0.0001 USD   (the tick size)
//   quantity in lots,   1 lot   = 0.01 token   (the lot size; credits use the same unit)
//   cash     in micros, 1 micro = 0.000001 USD (price ticks × lots = micros exactly)
// Every value stays a safe integer: limits below keep price × quantity < 2^53, and
// `assertSafe` throws on any violation (an invariant failure, never silently wrong).

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

import { assert, AssertionError as InvariantError } from '../../shared/assert.js';

export { assert, InvariantError };

export function assertSafe(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new InvariantError(`${what} is not a safe integer: ${n}`);
  return n;
}

/**
 * Converts decimal text to an integer count of 10^-decimals units; null when not a whole
 * multiple or out of the safe range. String arithmetic: exact, and much cheaper than
 * decimal.js on the order path.
 */
function scaledOrNull(text: string, decimals: number): number | null {
  const m = /^(-?)(\d{1,40})(?:\.(\d{1,40}))?$/.exec(text);
  if (!m) return null;
  let frac = m[3] ?? '';
  if (frac.length > decimals) {
    if (/[^0]/.test(frac.slice(decimals))) return null;
    frac = frac.slice(0, decimals);
  }
  const digits = (m[2]! + frac.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return null; // < 10^15 < 2^53
  const n = Number(digits);
  return m[1] === '-' && n !== 0 ? -n : n;
}

export const priceToTicks = (s: string): number | null => scaledOrNull(s, 4);
export const qtyToLots = (s: string): number | null => scaledOrNull(s, 2);
export const usdToMicros = (s: string): number | null => scaledOrNull(s, 6);

/** Canonical decimal text of n × 10^-decimals (no exponent, no trailing zeros), by string arithmetic. */
function scaledToText(n: number, decimals: number, what: string): string {
  assertSafe(n, what);
  const neg = n < 0;
  let s = String(neg ? -n : n);
  if (decimals > 0) {
    s = s.padStart(decimals + 1, '0');
    const frac = s.slice(-decimals).replace(/0+$/, '');
    const int = s.slice(0, -decimals);
    s = frac ? `${int}.${frac}` : int;
  }
  return neg && s !== '0' ? `-${s}` : s;
}

export const ticksToPrice = (n: number): string => scaledToText(n, 4, 'price ticks');
export const lotsToQty = (n: number): string => scaledToText(n, 2, 'lots');
export const microsToUsd = (n: number): string => scaledToText(n, 6, 'micros');

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

let iso_ms = NaN;
let iso_text = '';
/** ISO time of a Unix ms instant; memoized, since a transaction stamps many events with one instant. */
export function isoFromMs(ms: number): string {
  if (ms !== iso_ms) {
    iso_text = new Date(ms).toISOString();
    iso_ms = ms;
  }
  return iso_text;
}
