// The core's string-arithmetic conversions against decimal.js as the reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, toCanonical } from '../../shared/money.js';
import { feeMicros, lotsToQty, microsToUsd, priceToTicks, qtyToLots, ticksToPrice, usdToMicros } from '../../platform/core/units.js';
import { requestHash } from '../../platform/core/core.js';

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.nat({ max: 8 }), fc.nat({ max: 3 }))
  .map(([neg, int, scale, pad]) => {
    const s = new D(int.toString()).div(new D(10).pow(scale)).toFixed(scale) + (scale > 0 ? '0'.repeat(pad) : '');
    return neg && int !== 0n ? `-${s}` : s;
  });

function reference(text: string, decimals: number): number | null {
  const x = new D(text).mul(new D(10).pow(decimals));
  if (!x.isInteger() || x.abs().gte(1e15)) return null;
  return x.toNumber();
}

describe('units', () => {
  it('decimal text to scaled integers matches decimal.js (exact, null when not a multiple)', () => {
    fc.assert(
      fc.property(decimalText, (t) => {
        expect(priceToTicks(t)).toBe(reference(t, 4));
        expect(qtyToLots(t)).toBe(reference(t, 2));
        expect(usdToMicros(t)).toBe(reference(t, 6));
      }),
      { numRuns: 2000 },
    );
  });

  it('scaled integers to canonical text round-trip and match decimal.js', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), (n) => {
        expect(ticksToPrice(n)).toBe(toCanonical(new D(n).div(10_000)));
        expect(lotsToQty(n)).toBe(toCanonical(new D(n).div(100)));
        expect(microsToUsd(n)).toBe(toCanonical(new D(n).div(1_000_000)));
        expect(priceToTicks(ticksToPrice(n))).toBe(Math.abs(n) < 1e15 ? n : null);
      }),
      { numRuns: 2000 },
    );
    expect(ticksToPrice(0)).toBe('0');
    expect(lotsToQty(-5)).toBe('-0.05');
  });

  it('fees round down and never overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 }), fc.integer({ min: 0, max: 10_000 }), (n, bps) => {
        expect(feeMicros(n, bps)).toBe(new D(n).mul(bps).div(10_000).floor().toNumber());
      }),
    );
  });

  it('request hash ignores decimal spelling, not values', () => {
    const base = { client_order_id: 'a', side: 'buy', type: 'limit', price: '0.0200', quantity: '10.0', time_in_force: 'GTC' } as const;
    expect(requestHash(base)).toBe(requestHash({ ...base, price: '0.02', quantity: '10' }));
    expect(requestHash(base)).not.toBe(requestHash({ ...base, price: '0.2' }));
    expect(requestHash(base)).not.toBe(requestHash({ ...base, quantity: '100' }));
    expect(requestHash(base)).not.toBe(requestHash({ ...base, post_only: true }));
  });
});
