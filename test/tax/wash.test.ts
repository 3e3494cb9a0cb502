import { describe, expect, it } from 'vitest';
import { computeTaxYear } from '../../electron/services/tax/index.js';
import { tx } from './helpers.js';

describe('wash sales (IRC 1091), an option that is off by default', () => {
  const pub550 = [
    tx('buy', '2025-01-10', '100', '10', { id: 'old' }),
    tx('sell', '2025-03-01', '100', '7.5', { id: 's' }),
    tx('buy', '2025-03-20', '100', '8', { id: 'new' }),
  ];

  it('Pub 550: the 250 loss is disallowed, the row reads 750 / 1,000 / W / 250 / 0, the new basis is 1,050', () => {
    const r = computeTaxYear(pub550, { year: 2025, wash_sale: true });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ proceeds: '750.00', cost_basis: '1000.00', code: 'W', adjustment: '250.00', gain_loss: '0.00' });
    const lot = r.lots.find((l) => l.lot_id === 'new');
    expect(lot).toMatchObject({ remaining_basis: '1050.00', wash_adjustment: '250.00' });
    // Holding period tacked: the old units were held 50 days (Jan 10 -> Mar 1), so the new one starts Jan 29.
    expect(lot?.holding_start).toBe('2025-01-29');
    expect(r.totals.wash_sale_disallowed).toBe('250.00');
    expect(r.schedule_d.line3).toEqual({ proceeds: '750.00', cost: '1000.00', adjustment: '250.00', gain: '0.00' });
  });

  it('is off by default: the loss is allowed', () => {
    const r = computeTaxYear(pub550, { year: 2025 });
    expect(r.rows[0]).toMatchObject({ code: '', adjustment: '0.00', gain_loss: '-250.00' });
    expect(r.lots.find((l) => l.lot_id === 'new')?.remaining_basis).toBe('800.00');
  });

  it('partial replacement: 40 units bought back disallow 40% of the loss; the lot is split so only those units carry it', () => {
    const r = computeTaxYear([
      tx('buy', '2025-01-10', '100', '10', { id: 'old' }),
      tx('sell', '2025-03-01', '100', '7.5'),
      tx('buy', '2025-03-20', '40', '8', { id: 'new' }),
    ], { year: 2025, wash_sale: true });
    expect(r.rows[0]).toMatchObject({ code: 'W', adjustment: '100.00', gain_loss: '-150.00' });
    expect(r.lots).toEqual([expect.objectContaining({ lot_id: 'new', remaining_quantity: '40', remaining_basis: '420.00' })]);
  });

  it('more bought than sold: the earliest acquired units are the replacements', () => {
    const r = computeTaxYear([
      tx('buy', '2025-01-10', '10', '10', { id: 'old' }),
      tx('sell', '2025-03-01', '10', '5'),
      tx('buy', '2025-03-05', '4', '6', { id: 'r1' }),
      tx('buy', '2025-03-10', '20', '6', { id: 'r2' }),
    ], { year: 2025, wash_sale: true });
    expect(r.rows[0]).toMatchObject({ adjustment: '50.00', gain_loss: '0.00' });
    const byPiece = r.lots.map((l) => [l.lot_id, l.remaining_quantity, l.remaining_basis, l.wash_adjustment]);
    expect(byPiece).toEqual([
      ['r1', '4', '44.00', '20.00'],
      ['r2', '14', '84.00', '0.00'],
      ['r2', '6', '66.00', '30.00'],
    ]);
  });

  it('a replacement bought within 30 days before the sale counts; day 31 does not', () => {
    const make = (replacementDate: string): ReturnType<typeof computeTaxYear> => computeTaxYear([
      tx('buy', '2025-01-02', '10', '10', { id: 'old' }),
      tx('buy', replacementDate, '10', '9', { id: 'rep' }),
      tx('sell', '2025-03-31', '10', '5', { id: 's', lots: [{ id: 'old', quantity: '10' }] }),
    ], { year: 2025, wash_sale: true });
    expect(make('2025-03-01').rows[0]?.code).toBe('W'); // 30 days before
    expect(make('2025-02-28').rows[0]?.code).toBe(''); // 31 days before
  });

  it('30 days after counts, 31 does not, also across the year end', () => {
    const make = (after: string): ReturnType<typeof computeTaxYear> => computeTaxYear([
      tx('buy', '2025-06-02', '10', '10'),
      tx('sell', '2025-12-15', '10', '5'),
      tx('buy', after, '10', '6'),
    ], { year: 2025, wash_sale: true });
    expect(make('2026-01-14').rows[0]?.code).toBe('W');
    expect(make('2026-01-15').rows[0]?.code).toBe('');
  });

  it('a replacement unit absorbs only one loss; several loss sales apply in order of disposal', () => {
    const r = computeTaxYear([
      tx('buy', '2025-01-02', '10', '10', { id: 'a' }),
      tx('buy', '2025-01-03', '10', '10', { id: 'b' }),
      tx('sell', '2025-03-01', '10', '8', { id: 's1' }),
      tx('sell', '2025-03-02', '10', '7', { id: 's2' }),
      tx('buy', '2025-03-10', '10', '7', { id: 'rep' }),
    ], { year: 2025, wash_sale: true });
    expect(r.rows.map((x) => [x.disposal_id, x.code, x.adjustment])).toEqual([['s1', 'W', '20.00'], ['s2', '', '0.00']]);
    expect(r.lots[0]).toMatchObject({ lot_id: 'rep', remaining_basis: '90.00' });
  });

  it('units left from the same purchase are not replacements (Rev. Rul. 56-602)', () => {
    const r = computeTaxYear([tx('buy', '2025-01-02', '100', '10'), tx('sell', '2025-01-20', '50', '8')], { year: 2025, wash_sale: true });
    expect(r.rows[0]?.code).toBe('');
  });

  it('gains are never washed', () => {
    const r = computeTaxYear([tx('buy', '2025-01-02', '10', '10'), tx('sell', '2025-02-01', '10', '12'), tx('buy', '2025-02-05', '10', '11')], { year: 2025, wash_sale: true });
    expect(r.rows[0]).toMatchObject({ code: '', gain_loss: '20.00' });
  });

  it('the tacked holding period can make the replacement long-term', () => {
    const r = computeTaxYear([
      tx('buy', '2024-01-02', '10', '10', { id: 'old' }),
      tx('sell', '2024-12-20', '10', '5'),
      tx('buy', '2024-12-27', '10', '5', { id: 'rep' }),
      tx('sell', '2025-01-20', '10', '6', { id: 'late' }),
    ], { year: 2025, wash_sale: true });
    // old held 353 days; rep starts 353 days before Dec 27 2024 = Jan 9 2024; sold Jan 20 2025: long-term.
    expect(r.rows[0]).toMatchObject({ disposal_id: 'late', part: 'II', date_acquired: '2024-01-09', cost_basis: '100.00', gain_loss: '-40.00' });
  });
});
