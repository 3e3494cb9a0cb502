import { describe, expect, it } from 'vitest';
import { dec, formatCents, roundCents, toCanonical, zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../../shared/money.js';

describe('exact money', () => {
  it('adds exactly where binary floats do not', () => {
    expect(dec('0.1').plus(dec('0.2')).toString()).toBe('0.3');
    expect(toCanonical(dec('1.2300'))).toBe('1.23');
    expect(toCanonical(dec('-0'))).toBe('0');
  });

  it('refuses JS numbers and malformed text', () => {
    expect(() => dec(0.1 as unknown as string)).toThrow(/JS numbers are not accepted/);
    for (const bad of ['1e5', '+1', ' 1', '1.', '.5', '01', 'NaN', 'Infinity', '0x10', '', '1'.repeat(41)]) {
      expect(() => dec(bad), bad).toThrow(/not a decimal string/);
    }
  });

  it.each([
    ['0.005', '0.01'],
    ['0.015', '0.02'],
    ['-0.005', '-0.01'],
    ['2.675', '2.68'],
  ])('rounds %s to cents half away from zero: %s', (x, cents) => {
    expect(roundCents(dec(x)).toFixed(2)).toBe(cents);
  });

  it('formats cents with two decimals', () => {
    expect(formatCents(dec('12.5'))).toBe('12.50');
    expect(formatCents(dec('-0.001'))).toBe('0.00');
  });

  it('schemas report bad text as validation issues, never throw', () => {
    for (const schema of [zDecimal, zPositiveDecimal, zNonNegativeDecimal]) {
      for (const bad of ['abc', '1e3', '', '--1', '1.2.3', '١٢']) {
        expect(() => schema.safeParse(bad)).not.toThrow();
        expect(schema.safeParse(bad).success, bad).toBe(false);
      }
      expect(schema.safeParse(12).success).toBe(false); // a JSON number is refused
    }
    expect(zPositiveDecimal.safeParse('0').success).toBe(false);
    expect(zPositiveDecimal.safeParse('0.01').success).toBe(true);
    expect(zNonNegativeDecimal.safeParse('0').success).toBe(true);
    expect(zNonNegativeDecimal.safeParse('-0.01').success).toBe(false);
  });
});
