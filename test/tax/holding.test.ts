import { describe, expect, it } from 'vitest';
import { computeTaxYear, isLongTerm, parseISODate, unrealizedPositions } from '../../electron/services/tax/index.js';
import { tx } from './helpers.js';

// Rev. Rul. 66-7 / Pub 550: long-term iff sold after the same calendar date one year later
// (or the last day of the month one year later when bought on a last day of a month).
const cases: { acquired: string; sold: string; long: boolean; why: string }[] = [
  { acquired: '2024-02-05', sold: '2025-02-05', long: false, why: 'Pub 550: Feb 5 to Feb 5 is short-term' },
  { acquired: '2024-02-05', sold: '2025-02-06', long: true, why: 'Pub 550: Feb 5 to Feb 6 is long-term' },
  { acquired: '2025-02-05', sold: '2026-02-05', long: false, why: 'non-leap span, same date' },
  { acquired: '2025-02-05', sold: '2026-02-06', long: true, why: 'non-leap span, day after' },
  { acquired: '2024-02-29', sold: '2025-02-28', long: false, why: 'leap day is a last day: threshold Feb 28' },
  { acquired: '2024-02-29', sold: '2025-03-01', long: true, why: 'leap day, sold Mar 1' },
  { acquired: '2024-02-28', sold: '2025-02-28', long: false, why: 'Feb 28 of a leap year is not a last day' },
  { acquired: '2024-02-28', sold: '2025-03-01', long: true, why: 'Feb 28 of a leap year, sold Mar 1' },
  { acquired: '2023-02-28', sold: '2024-02-28', long: false, why: 'last day of Feb 2023: threshold is Feb 29, 2024' },
  { acquired: '2023-02-28', sold: '2024-02-29', long: false, why: 'last day of Feb 2023, sold on leap day: still the threshold' },
  { acquired: '2023-02-28', sold: '2024-03-01', long: true, why: 'last day of Feb 2023, sold Mar 1 2024' },
  { acquired: '2024-01-31', sold: '2025-01-31', long: false, why: 'last day of January' },
  { acquired: '2024-01-31', sold: '2025-02-01', long: true, why: 'last day of January, next day' },
  { acquired: '2024-04-30', sold: '2025-04-30', long: false, why: 'last day of a 30-day month' },
  { acquired: '2024-04-30', sold: '2025-05-01', long: true, why: 'last day of a 30-day month, next day' },
  { acquired: '2024-12-31', sold: '2025-12-31', long: false, why: 'year end' },
  { acquired: '2024-12-31', sold: '2026-01-01', long: true, why: 'year end, next day' },
  { acquired: '2024-03-01', sold: '2025-03-01', long: false, why: '365 days across no leap day' },
  { acquired: '2023-03-01', sold: '2024-03-01', long: false, why: '366 days (leap year) is still not "more than one year"' },
  { acquired: '2023-03-01', sold: '2024-03-02', long: true, why: '367 days' },
  { acquired: '2025-06-15', sold: '2025-06-15', long: false, why: 'same day' },
];

describe('holding period by calendar months', () => {
  it.each(cases)('$acquired -> $sold: $why', ({ acquired, sold, long }) => {
    expect(isLongTerm(parseISODate(acquired), parseISODate(sold))).toBe(long);
  });

  it.each(cases)('the engine puts $acquired -> $sold in the right part', ({ acquired, sold, long }) => {
    const year = Number(sold.slice(0, 4));
    const r = computeTaxYear([tx('buy', acquired, '1', '10'), tx('sell', sold, '1', '12')], { year });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.part).toBe(long ? 'II' : 'I');
    expect(r.rows[0]?.box).toBe(long ? 'F' : 'C');
  });

  it('takes the calendar date in UTC unless a time zone is set', () => {
    // 2025-02-06T03:00Z is still Feb 5 in New York: short-term there, long-term in UTC.
    const txs = [tx('buy', '2024-02-05T17:00:00Z', '1', '10'), tx('sell', '2025-02-06T03:00:00Z', '1', '12')];
    expect(computeTaxYear(txs, { year: 2025 }).rows[0]?.part).toBe('II');
    expect(computeTaxYear(txs, { year: 2025, tz: 'America/New_York' }).rows[0]?.part).toBe('I');
    expect(computeTaxYear(txs, { year: 2025, tz: 'America/New_York' }).rows[0]?.date_sold).toBe('2025-02-05');
  });

  it('a sale on Dec 31 in New York that is Jan 1 in UTC belongs to the zone\'s year', () => {
    const txs = [tx('buy', '2025-06-01', '1', '10'), tx('sell', '2026-01-01T02:00:00Z', '1', '12')];
    expect(computeTaxYear(txs, { year: 2025 }).rows).toHaveLength(0);
    expect(computeTaxYear(txs, { year: 2025, tz: 'America/New_York' }).rows).toHaveLength(1);
  });

  it('reports days until long-term per lot', () => {
    const txs = [tx('buy', '2024-02-05', '1', '10', { id: 'a' }), tx('buy', '2024-02-29', '2', '10', { id: 'b' })];
    const u = unrealizedPositions(txs, {}, '15', '2025-02-01T12:00:00Z');
    expect(u.map((l) => [l.lot_id, l.term, l.days_until_long_term])).toEqual([['a', 'short', 5], ['b', 'short', 28]]);
    const later = unrealizedPositions(txs, {}, '15', '2025-02-06T12:00:00Z');
    expect(later.map((l) => [l.lot_id, l.term, l.days_until_long_term])).toEqual([['a', 'long', 0], ['b', 'short', 23]]);
    expect(later[1]).toMatchObject({ fmv: '30.00', cost_basis: '20.00', unrealized_gain: '10.00' });
  });

  // Inputs → the lots still held and where each came from, per lot method (the overview's
  // minted / bought split follows the method in force).
  it.each([
    { method: 'fifo', held: [['m1', 'mint', '4'], ['b2', 'buy', '5'], ['i3', 'income', '2']] },
    { method: 'lifo', held: [['m1', 'mint', '10'], ['b2', 'buy', '1']] },
    { method: 'hifo', held: [['m1', 'mint', '10'], ['i3', 'income', '1']] },
  ] as const)('held lots carry their origin ($method)', ({ method, held }) => {
    const txs = [
      tx('mint', '2025-01-10', '10', '0.02', { id: 'm1', basis_usd: '0.10' }),
      tx('buy', '2025-02-10', '5', '0.05', { id: 'b2' }),
      tx('income', '2025-03-10', '2', '0.03', { id: 'i3' }),
      tx('sell', '2025-04-10', '6', '0.04', { id: 's4' }),
    ];
    const u = unrealizedPositions(txs, { method_orders: [{ method, effective_from: '2025-01-01T00:00:00Z' }] }, '0.04', '2025-05-01T00:00:00Z');
    expect(u.map((l) => [l.lot_id, l.source, l.quantity])).toEqual(held);
  });
});
