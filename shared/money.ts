// Exact money and quantities. Every amount in the app is a decimal.js value or a
// canonical decimal string; a JS `number` is refused at the door because binary
// floating point cannot represent 0.1 and silently loses cents.
import { Decimal } from 'decimal.js';
import { z } from 'zod';

// A private clone so no other code can change the global precision or rounding under us.
export const D = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 60,
});
export type Dec = Decimal;

/** Upper bound on the length of a decimal string accepted from any boundary. */
export const DECIMAL_STRING_MAX_CHARS = 40;
/** Canonical decimal text: optional minus, digits, optional fraction; no exponent, no '+', no spaces. */
export const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Builds an exact decimal. Throws on JS numbers (floats) and on malformed text. */
export function dec(value: string | bigint | Decimal): Decimal {
  if (typeof value === 'number') {
    // Unreachable for typed callers; stops untyped JS from sneaking a float in.
    throw new TypeError('dec(): JS numbers are not accepted for money; pass a decimal string');
  }
  if (typeof value === 'bigint') return new D(value.toString());
  if (Decimal.isDecimal(value)) return new D(value);
  if (typeof value !== 'string' || value.length > DECIMAL_STRING_MAX_CHARS || !DECIMAL_PATTERN.test(value)) {
    throw new TypeError(`not a decimal string: ${JSON.stringify(String(value)).slice(0, 60)}`);
  }
  return new D(value);
}

/** Integers that are counts (not money) may come from numbers. */
export function decFromInt(n: number): Decimal {
  if (!Number.isSafeInteger(n)) throw new TypeError(`decFromInt(): ${n} is not a safe integer`);
  return new D(n);
}

export const ZERO = new D(0);

/** Canonical string: no exponent, no trailing zeros in the fraction, "0" never "-0". */
export function toCanonical(x: Decimal): string {
  if (x.isZero()) return '0';
  const s = x.toFixed();
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Round to cents, half away from zero (the usual rule on tax forms). */
export function roundCents(x: Decimal): Decimal {
  return x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Two-decimal text, e.g. "12.50", "-3.00". */
export function formatCents(x: Decimal): string {
  const r = roundCents(x);
  return r.isZero() ? '0.00' : r.toFixed(2);
}

// ---- zod schemas for amounts crossing a boundary (platform, IPC, files) ----

const decimalText = z
  .string()
  .max(DECIMAL_STRING_MAX_CHARS, 'decimal string too long')
  .regex(DECIMAL_PATTERN, 'must be a decimal string like "12.34" (no exponent, no JSON number)');

/** Any decimal (may be negative or zero). */
export const zDecimal = decimalText;
/** Strictly positive decimal. */
// zod runs every check even after the pattern failed: guard before building a Decimal,
// so bad text is a validation issue, never a thrown DecimalError (a 500 at a boundary).
export const zPositiveDecimal = decimalText.refine((s) => DECIMAL_PATTERN.test(s) && new D(s).gt(0), 'must be greater than 0');
/** Zero or positive decimal. */
export const zNonNegativeDecimal = decimalText.refine((s) => DECIMAL_PATTERN.test(s) && new D(s).gte(0), 'must not be negative');
