import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../electron/services/tax/ids.js';
import { computeTaxYear, computeTaxYearFromCsv, parseTransactionsCsv, TaxInputError, unrealizedPositions, whatIfSale } from '../../electron/services/tax/index.js';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { dayFromCivil } from '../../electron/services/tax/dates.js';
import { EvStore } from '../../electron/services/tax/prepare.js';
import { RowTable, type RowNumbers } from '../../electron/services/tax/rows.js';
import { tx } from './helpers.js';

describe('id index', () => {
  it('finds exactly what a Set finds, through growth and collisions', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3000 }), (ids) => {
      const idx = new IdIndex(() => ids, 4);
      const seen = new Set<string>();
      ids.forEach((id, pos) => {
        expect(idx.add(pos)).toBe(!seen.has(id));
        seen.add(id);
      });
      for (const id of seen) expect(ids[idx.get(id)]).toBe(id);
      expect(idx.get('\u0000not-there')).toBe(-1);
    }), { numRuns: 60 });
  });
});

describe('CSV path and object path agree', () => {
  it('on a synthetic year (rows, Schedule D, lots)', () => {
    const txs = syntheticYear(3000);
    const csv = toCsv(txs);
    for (const wash_sale of [false, true]) {
      const a = computeTaxYear(parseTransactionsCsv(csv), { year: 2025, wash_sale });
      const b = computeTaxYearFromCsv(csv, { year: 2025, wash_sale });
      expect(b.rows).toEqual(a.rows);
      expect(b.schedule_d).toEqual(a.schedule_d);
      expect(b.lots).toEqual(a.lots);
      expect(b.row_count).toBe(a.rows.length);
    }
  });

  it('sorts out-of-order rows by time, keeping file order for ties, and names the row of a duplicate id', () => {
    const csv = 'id,time,type,quantity,price\ns,2025-03-01T00:00:00Z,sell,1,5\nb2,2025-01-01T00:00:00Z,buy,1,2\nb1,2025-01-01T00:00:00Z,buy,1,1\n';
    expect(computeTaxYearFromCsv(csv, { year: 2025 }).rows[0]).toMatchObject({ lot_id: 'b2', cost_basis: '2.00' });
    try {
      computeTaxYearFromCsv(csv + 'b1,2025-02-01T00:00:00Z,buy,1,1\n', { year: 2025 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TaxInputError);
      expect([(err as TaxInputError).row, (err as TaxInputError).column]).toEqual([5, 'id']);
    }
  });
});

describe('live views after a wash sale', () => {
  const txs = [
    tx('buy', '2025-01-10', '100', '10', { id: 'old' }),
    tx('sell', '2025-03-01', '100', '7.5'),
    tx('buy', '2025-03-20', '100', '8', { id: 'new' }),
    tx('buy', '2025-04-01', '50', '9', { id: 'later' }),
  ];
  it('unrealized positions carry the adjusted basis and tacked holding period', () => {
    const u = unrealizedPositions(txs, { wash_sale: true }, '9', '2025-06-01T00:00:00Z');
    expect(u[0]).toMatchObject({ lot_id: 'new', cost_basis: '1050.00', holding_start: '2025-01-29', fmv: '900.00', unrealized_gain: '-150.00', term: 'short' });
  });
  it('what-if with specific lots', () => {
    const w = whatIfSale(txs, { wash_sale: true }, '60', '9', '2025-06-01T00:00:00Z', [{ id: 'later', quantity: '50' }, { id: 'new', quantity: '10' }]);
    expect(w.method).toBe('specific');
    expect(w.portions.map((p) => [p.lot_id, p.quantity, p.cost_basis])).toEqual([['later', '50', '450.00'], ['new', '10', '105.00']]);
    expect(w.proceeds).toBe('540.00');
    expect(w.short_term_gain).toBe('-15.00');
  });
});

describe('row table', () => {
  it('keeps every row across its 65,536-row chunks', () => {
    const ev = new EvStore(4);
    const base = { row: undefined, price: '', ms: Date.UTC(2025, 0, 1), day: dayFromCivil(2025, 1, 1), qty: 1, cents: 1, income: 0, lots: null };
    ev.push({ ...base, id: 'lot', type: 'buy' });
    ev.push({ ...base, id: 'sale', type: 'sell' });
    const table = new RowTable(ev, 'CMPT', 'C', 'F');
    const n = 65_536 * 2 + 7;
    for (let i = 0; i < n; i++) table.add(1, 0, i + 1, 2 * i, 3 * i, i % 3, 20_000 - (i % 500), i % 2 === 0, i % 3 !== 0, i % 5 === 0 ? 'hifo' : 'fifo');
    expect(table.count).toBe(n);
    const out: RowNumbers = { long: false, wash: false, qty: 0, basis: 0, proceeds: 0, adjustment: 0, holdDay: 0, soldDay: 0 };
    for (const i of [0, 65_535, 65_536, 65_537, 131_071, 131_072, n - 1]) {
      table.numbers(i, out);
      expect(out).toEqual({ long: i % 2 === 0, wash: i % 3 !== 0, qty: i + 1, basis: 2 * i, proceeds: 3 * i, adjustment: i % 3, holdDay: 20_000 - (i % 500), soldDay: base.day });
      expect(table.get(i)).toMatchObject({ box: i % 2 === 0 ? 'F' : 'C', lot_id: 'lot', disposal_id: 'sale', method: i % 5 === 0 ? 'hifo' : 'fifo', code: i % 3 !== 0 ? 'W' : '' });
    }
    expect(() => table.get(n)).toThrow(RangeError);
  });
});
