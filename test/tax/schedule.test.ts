import { describe, expect, it } from 'vitest';
import { carryoverWorksheet, computeTaxYear } from '../../electron/services/tax/index.js';
import { tx } from './helpers.js';

const c = (s: string): bigint => BigInt(Math.round(Number(s) * 100)); // test-only: whole-dollar literals

describe('Capital Loss Carryover Worksheet', () => {
  it('Pub 544 Bob and Gloria Sampson: 7,000 short-term loss, taxable income 2,000 -> 4,000 short-term carryover', () => {
    const w = carryoverWorksheet({ taxable_income: c('2000'), line7: c('-7000'), line15: 0n, line21: c('-3000') });
    expect(w.applies).toBe(true);
    expect(w.lines).toEqual({
      line1: '2000.00', line2: '3000.00', line3: '5000.00', line4: '3000.00', line5: '7000.00', line6: '0.00', line7: '3000.00', line8: '4000.00',
      line9: null, line10: null, line11: null, line12: null, line13: null,
    });
    expect(w.short_term_carryover).toBe('4000.00');
    expect(w.long_term_carryover).toBe('0.00');
  });

  it('Sampson variant: a 2,000 loss is fully deducted, no carryover', () => {
    const w = carryoverWorksheet({ taxable_income: c('2000'), line7: c('-2000'), line15: 0n, line21: c('-2000') });
    expect(w.applies).toBe(false);
    expect([w.short_term_carryover, w.long_term_carryover]).toEqual(['0.00', '0.00']);
  });

  const table: { name: string; ti: string; l7: string; l15: string; l21: string; lines: (string | null)[]; st: string; lt: string }[] = [
    {
      name: 'long-term loss only, income covers the allowance', ti: '50000', l7: '0', l15: '-10000', l21: '-3000',
      lines: ['50000.00', '3000.00', '53000.00', '3000.00', '0.00', null, null, null, '10000.00', '0.00', '3000.00', '3000.00', '7000.00'], st: '0.00', lt: '7000.00',
    },
    {
      name: 'both losses: the allowance is used against short-term first', ti: '50000', l7: '-1000', l15: '-6000', l21: '-3000',
      lines: ['50000.00', '3000.00', '53000.00', '3000.00', '1000.00', '0.00', '3000.00', '0.00', '6000.00', '0.00', '2000.00', '2000.00', '4000.00'], st: '0.00', lt: '4000.00',
    },
    {
      name: 'negative taxable income: only the part that reduced income counts as used', ti: '-1000', l7: '-5000', l15: '0', l21: '-3000',
      lines: ['-1000.00', '3000.00', '2000.00', '2000.00', '5000.00', '0.00', '2000.00', '3000.00', null, null, null, null, null], st: '3000.00', lt: '0.00',
    },
    {
      name: 'very negative taxable income: nothing used', ti: '-8000', l7: '-2000', l15: '0', l21: '-2000',
      lines: ['-8000.00', '2000.00', '0.00', '0.00', '2000.00', '0.00', '0.00', '2000.00', null, null, null, null, null], st: '2000.00', lt: '0.00',
    },
    {
      name: 'short-term loss offset by long-term gain', ti: '40000', l7: '-9000', l15: '2500', l21: '-3000',
      lines: ['40000.00', '3000.00', '43000.00', '3000.00', '9000.00', '2500.00', '5500.00', '3500.00', null, null, null, null, null], st: '3500.00', lt: '0.00',
    },
    {
      name: 'long-term loss offset by short-term gain', ti: '40000', l7: '1500', l15: '-9000', l21: '-3000',
      lines: ['40000.00', '3000.00', '43000.00', '3000.00', '0.00', null, null, null, '9000.00', '1500.00', '3000.00', '4500.00', '4500.00'], st: '0.00', lt: '4500.00',
    },
    {
      name: 'married filing separately: 1,500 limit', ti: '30000', l7: '-4000', l15: '0', l21: '-1500',
      lines: ['30000.00', '1500.00', '31500.00', '1500.00', '4000.00', '0.00', '1500.00', '2500.00', null, null, null, null, null], st: '2500.00', lt: '0.00',
    },
  ];
  it.each(table)('line by line: $name', ({ ti, l7, l15, l21, lines, st, lt }) => {
    const w = carryoverWorksheet({ taxable_income: c(ti), line7: c(l7), line15: c(l15), line21: c(l21) });
    expect(w.applies).toBe(true);
    expect(Object.values(w.lines)).toEqual(lines);
    expect([w.short_term_carryover, w.long_term_carryover]).toEqual([st, lt]);
  });

  it('no carryover when prior line 21 is not a loss', () => {
    expect(carryoverWorksheet({ taxable_income: c('1000'), line7: c('500'), line15: c('200'), line21: 0n }).applies).toBe(false);
  });
});

describe('Schedule D', () => {
  it('Sampson in the engine: a 7,000 short-term loss, joint return; next year carries 4,000 short-term', () => {
    const r = computeTaxYear([tx('buy', '2025-01-10', '1000', '10'), tx('sell', '2025-05-10', '1000', '3')], {
      year: 2025, filing_status: 'mfj', taxable_income: '2000',
    });
    const d = r.schedule_d;
    expect(d.line3).toEqual({ proceeds: '3000.00', cost: '10000.00', adjustment: '0.00', gain: '-7000.00' });
    expect([d.line7, d.line15, d.line16, d.line21]).toEqual(['-7000.00', '0.00', '-7000.00', '-3000.00']);
    expect([d.carryover_short_term, d.carryover_long_term]).toEqual(['4000.00', '0.00']);
  });

  it('caps line 21 at 1,500 when married filing separately', () => {
    const txs = [tx('buy', '2025-01-10', '1000', '10'), tx('sell', '2025-05-10', '1000', '5')];
    expect(computeTaxYear(txs, { year: 2025, filing_status: 'mfs' }).schedule_d.line21).toBe('-1500.00');
    expect(computeTaxYear(txs, { year: 2025, filing_status: 'single' }).schedule_d.line21).toBe('-3000.00');
    const small = [tx('buy', '2025-01-10', '100', '10'), tx('sell', '2025-05-10', '100', '5')];
    expect(computeTaxYear(small, { year: 2025, filing_status: 'mfs' }).schedule_d.line21).toBe('-500.00');
  });

  it('brings the prior year carryover in on lines 6 and 14, keeping its character', () => {
    const r = computeTaxYear([tx('buy', '2024-01-10', '100', '10'), tx('sell', '2025-05-10', '100', '30')], {
      year: 2025, prior_year: { taxable_income: '50000', line7: '-1000', line15: '-6000', line21: '-3000' },
    });
    const d = r.schedule_d;
    expect(d.line10.gain).toBe('2000.00');
    expect([d.line6, d.line14]).toEqual(['0.00', '-4000.00']);
    expect([d.line7, d.line15, d.line16, d.line21]).toEqual(['0.00', '-2000.00', '-2000.00', '-2000.00']);
    expect([d.carryover_short_term, d.carryover_long_term]).toEqual(['0.00', '0.00']);
    expect(d.worksheet.lines.line13).toBe('4000.00');
  });

  it('a net gain has no line 21 and no carryover', () => {
    const r = computeTaxYear([tx('buy', '2025-01-10', '1', '10'), tx('sell', '2025-02-10', '1', '11')], { year: 2025 });
    expect([r.schedule_d.line16, r.schedule_d.line21, r.schedule_d.carryover_short_term]).toEqual(['1.00', '0.00', '0.00']);
  });

  it('sums Schedule D lines from cent amounts', () => {
    // Basis 10.00 over three sales of a third: 3.33, then 6.67 / 2 rounds to 3.34, the last gets the rest.
    const txs = [tx('buy', '2025-01-10', '3', '3.333333'), tx('sell', '2025-02-10', '1', '4'), tx('sell', '2025-02-11', '1', '4'), tx('sell', '2025-02-12', '1', '4')];
    const r = computeTaxYear(txs, { year: 2025 });
    expect(r.rows.map((x) => x.cost_basis)).toEqual(['3.33', '3.34', '3.33']);
    expect(r.schedule_d.line3).toEqual({ proceeds: '12.00', cost: '10.00', adjustment: '0.00', gain: '2.00' });
  });
});
