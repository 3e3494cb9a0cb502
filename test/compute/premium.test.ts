// The premium over time from candles, and its 7- and 30-day change: table-driven.
import { describe, expect, it } from 'vitest';
import { premiumChange, premiumSeries } from '../../shared/compute/premium.js';

const DAY = 86_400;
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const candle = (day: number, close: string) => ({ time: T0 + day * DAY, open: close, high: close, low: close, close, volume: '1' });

describe('premiumSeries', () => {
  it.each([
    { close: '0.02', premium: '0' },
    { close: '0.0304', premium: '0.52' },
    { close: '0.015', premium: '-0.25' },
    { close: '0.0001', premium: '-0.995' },
  ])('close $close on face 0.02 → premium $premium', ({ close, premium }) => {
    expect(premiumSeries([candle(0, close)], '0.02')).toEqual([{ time: T0, premium }]);
  });
  it('rounds to 8 places, half even', () => {
    expect(premiumSeries([candle(0, '0.0301')], '0.03')[0]!.premium).toBe('0.00333333');
  });
  it('refuses a zero face value', () => {
    expect(() => premiumSeries([candle(0, '1')], '0')).toThrow(/face value must be positive/);
  });
});

describe('premiumChange', () => {
  const series = premiumSeries([candle(0, '0.02'), candle(10, '0.022'), candle(23, '0.025'), candle(30, '0.0304')], '0.02');
  const now = T0 + 30 * DAY + 3600;
  it.each([
    { days: 7, want: '0.27' }, // from day 23 (0.25) to day 30 (0.52)
    { days: 20, want: '0.42' }, // from day 10 (0.10): the last point at or before the cutoff
    { days: 30, want: '0.52' }, // from day 0 (0)
    { days: 31, want: null }, // the series does not reach back that far
  ])('$days days → $want', ({ days, want }) => {
    expect(premiumChange(series, days, now)).toBe(want);
  });
  it('an empty series has no change; bad days are refused', () => {
    expect(premiumChange([], 7, now)).toBeNull();
    expect(() => premiumChange(series, 0, now)).toThrow(/positive integer/);
  });
});
