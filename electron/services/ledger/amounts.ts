// Amounts in the ledger are scaled integers: value × 10^8, stored as SQLite INTEGER and
// handled in JS as BigInt (exact integer arithmetic, never `number`).
// Why not canonical decimal strings: ingestion must sum postings into cached balances
// at ≥ 100k events/s; BigInt adds are ~50× cheaper than decimal.js parse+add+toString,
// SQLite can SUM() integers exactly for `verify`, and 8 fractional digits covers every
// amount the platform emits (USD to the cent, TOKEN/CREDIT to 10^-8). An amount with
// more digits is not representable and its event is quarantined, never rounded.
import { D, dec, toCanonical, type Dec } from '../../../shared/money.js';

export const COMMODITIES = ['USD', 'TOKEN', 'CREDIT'] as const;
export type Commodity = (typeof COMMODITIES)[number];

/** Fractional digits kept for every commodity. */
export const SCALE_DIGITS = 8;
export const SCALE = 10n ** BigInt(SCALE_DIGITS);
/** SQLite INTEGER is a signed 64-bit value. */
export const SCALED_MAX = 2n ** 63n - 1n;
export const SCALED_MIN = -(2n ** 63n);

const DECIMAL_RE = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;
const ZEROS = '0'.repeat(SCALE_DIGITS);

export class NotRepresentableError extends Error {}

/** "12.34" → 1234000000n. Throws NotRepresentableError on more than 8 fractional digits or int64 overflow. */
export function toScaled(text: string): bigint {
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new NotRepresentableError(`not a decimal string: ${JSON.stringify(text.slice(0, 60))}`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > SCALE_DIGITS) {
    throw new NotRepresentableError(`amount ${text} has more than ${SCALE_DIGITS} fractional digits`);
  }
  const magnitude = BigInt(m[2] + frac + ZEROS.slice(frac.length));
  const v = m[1] === '-' ? -magnitude : magnitude;
  assertInRange(v, text);
  return v;
}

export function assertInRange(v: bigint, what: string): void {
  if (v > SCALED_MAX || v < SCALED_MIN) throw new NotRepresentableError(`amount ${what} overflows a 64-bit scaled integer`);
}

/** 1234000000n → "12.34" (canonical: no trailing zeros, "0" never "-0"). */
export function fromScaled(v: bigint): string {
  if (v === 0n) return '0';
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(SCALE_DIGITS + 1, '0');
  const int = digits.slice(0, digits.length - SCALE_DIGITS);
  const frac = digits.slice(digits.length - SCALE_DIGITS).replace(/0+$/, '');
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** Scaled integer → decimal.js value, for callers that do further arithmetic. */
export function scaledToDec(v: bigint): Dec {
  return dec(fromScaled(v));
}

/** decimal.js value → scaled integer (exact or throws). */
export function decToScaled(x: Dec): bigint {
  return toScaled(toCanonical(new D(x)));
}

/**
 * price × quantity, exact. The platform moves exactly this much USD on a fill; an
 * amount that needs more than 8 fractional digits cannot be recorded exactly.
 */
export function mulScaled(a: bigint, b: bigint, what: string): bigint {
  const product = a * b;
  if (product % SCALE !== 0n) throw new NotRepresentableError(`${what} needs more than ${SCALE_DIGITS} fractional digits`);
  const v = product / SCALE;
  assertInRange(v, what);
  return v;
}
