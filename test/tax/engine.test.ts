import { describe, expect, it } from 'vitest';
import { computeTaxYear, TaxInputError, whatIfSale, type TaxTransaction } from '../../electron/services/tax/index.js';
import { LiveTax } from '../../electron/services/tax/live.js';
import { dec } from '../../shared/money.js';
import { tx } from './helpers.js';

function thrown(f: () => unknown): TaxInputError {
  try {
    f();
  } catch (err) {
    if (err instanceof TaxInputError) return err;
    throw err;
  }
  throw new Error('expected a TaxInputError');
}

const three = (): TaxTransaction[] => [
  tx('buy', '2025-01-05', '10', '1', { id: 'l1' }),
  tx('buy', '2025-01-06', '10', '3', { id: 'l2' }),
  tx('buy', '2025-01-07', '10', '2', { id: 'l3' }),
];

describe('basis, proceeds and fees', () => {
  it('a buy fee adds to basis, a sell fee reduces proceeds', () => {
    const r = computeTaxYear([tx('buy', '2025-01-05', '10', '2', { fee_usd: '0.50' }), tx('sell', '2025-02-05', '10', '3', { fee_usd: '0.25' })], { year: 2025 });
    expect(r.rows[0]).toMatchObject({ proceeds: '29.75', cost_basis: '20.50', gain_loss: '9.25', description: '10 CMPT' });
  });

  it('redeeming tokens for compute is a disposal at market value', () => {
    const r = computeTaxYear([tx('buy', '2025-01-05', '5', '2'), tx('redeem', '2025-03-05', '5', '2.5')], { year: 2025 });
    expect(r.rows[0]).toMatchObject({ disposal_type: 'redeem', proceeds: '12.50', cost_basis: '10.00', gain_loss: '2.50' });
  });

  it('rounds price x quantity to the cent half away from zero', () => {
    const r = computeTaxYear([tx('buy', '2025-01-05', '1', '0.125'), tx('sell', '2025-02-05', '1', '0.135')], { year: 2025 });
    expect(r.rows[0]).toMatchObject({ cost_basis: '0.13', proceeds: '0.14' });
  });

  it('refuses a fee larger than the sale', () => {
    const e = thrown(() => computeTaxYear([tx('buy', '2025-01-05', '1', '1'), tx('sell', '2025-02-05', '1', '1', { fee_usd: '2' })], { year: 2025 }));
    expect(e.column).toBe('fee');
  });
});

describe('minted tokens', () => {
  const mint = (): TaxTransaction[] => [tx('mint', '2025-01-31', '100', '1.5', { id: 'm', basis_usd: '80' }), tx('sell', '2025-06-01', '100', '2')];
  it('allocated (default): basis is the allocated subscription cost, no income', () => {
    const r = computeTaxYear(mint(), { year: 2025 });
    expect(r.rows[0]).toMatchObject({ cost_basis: '80.00', gain_loss: '120.00' });
    expect(r.income).toEqual([]);
  });
  it('fmv: market value at mint is ordinary income and the basis', () => {
    const r = computeTaxYear(mint(), { year: 2025, mint_basis: 'fmv' });
    expect(r.rows[0]).toMatchObject({ cost_basis: '150.00', gain_loss: '50.00' });
    expect(r.income).toEqual([{ id: 'm', date: '2025-01-31', type: 'mint', quantity: '100', price_usd: '1.5', amount_usd: '150.00' }]);
    expect(r.totals.ordinary_income).toBe('150.00');
  });
  it('zero: no income, zero basis', () => {
    const r = computeTaxYear(mint(), { year: 2025, mint_basis: 'zero' });
    expect(r.rows[0]).toMatchObject({ cost_basis: '0.00', gain_loss: '200.00' });
    expect(r.income).toEqual([]);
  });
  it('the holding period starts the day after the mint in every policy', () => {
    for (const mint_basis of ['allocated', 'fmv', 'zero'] as const) {
      const r = computeTaxYear([tx('mint', '2024-01-31', '1', '1', { basis_usd: '1' }), tx('sell', '2025-01-31', '1', '2'), tx('mint', '2024-01-31', '1', '1', { basis_usd: '1' }), tx('sell', '2025-02-01', '1', '2')], { year: 2025, mint_basis });
      expect(r.rows.map((x) => x.part)).toEqual(['I', 'II']);
    }
  });
  it('allocated requires the basis column', () => {
    const e = thrown(() => computeTaxYear([tx('mint', '2025-01-31', '1', '1')], { year: 2025 }));
    expect(e.column).toBe('basis');
  });
  it('income rows are ordinary income with basis at market value', () => {
    const r = computeTaxYear([tx('income', '2025-01-31', '4', '2.5'), tx('sell', '2025-03-01', '4', '3')], { year: 2025 });
    expect(r.income[0]?.amount_usd).toBe('10.00');
    expect(r.rows[0]?.cost_basis).toBe('10.00');
  });
});

describe('lot selection', () => {
  const sell = (extra: Partial<TaxTransaction> = {}): TaxTransaction => tx('sell', '2025-03-01', '15', '2', { id: 's', ...extra });
  it('FIFO by default', () => {
    const r = computeTaxYear([...three(), sell()], { year: 2025 });
    expect(r.rows.map((x) => [x.lot_id, x.quantity, x.method])).toEqual([['l1', '10', 'fifo'], ['l2', '5', 'fifo']]);
  });
  it('LIFO', () => {
    const r = computeTaxYear([...three(), sell()], { year: 2025, method_orders: [{ method: 'lifo', effective_from: '2025-01-01T00:00:00Z' }] });
    expect(r.rows.map((x) => [x.lot_id, x.quantity])).toEqual([['l3', '10'], ['l2', '5']]);
  });
  it('HIFO', () => {
    const r = computeTaxYear([...three(), sell()], { year: 2025, method_orders: [{ method: 'hifo', effective_from: '2025-01-01T00:00:00Z' }] });
    expect(r.rows.map((x) => [x.lot_id, x.quantity, x.cost_basis])).toEqual([['l2', '10', '30.00'], ['l3', '5', '10.00']]);
  });
  it('a standing order applies only to later disposals, never retroactively', () => {
    const r = computeTaxYear([
      ...three(),
      tx('sell', '2025-02-01', '5', '2', { id: 'before' }),
      tx('sell', '2025-03-01', '5', '2', { id: 'after' }),
    ], { year: 2025, method_orders: [{ method: 'lifo', effective_from: '2025-02-15T00:00:00Z' }] });
    expect(r.rows.map((x) => [x.disposal_id, x.lot_id, x.method])).toEqual([['before', 'l1', 'fifo'], ['after', 'l3', 'lifo']]);
  });
  it('specific identification recorded with the disposal', () => {
    const r = computeTaxYear([...three(), sell({ lots: [{ id: 'l3', quantity: '10' }, { id: 'l1', quantity: '5' }] })], { year: 2025 });
    expect(r.rows.map((x) => [x.lot_id, x.quantity, x.method])).toEqual([['l3', '10', 'specific'], ['l1', '5', 'specific']]);
    expect(r.lots.map((l) => [l.lot_id, l.remaining_quantity])).toEqual([['l1', '5'], ['l2', '10']]);
  });
  it('a specific standing order needs lots on every disposal', () => {
    const e = thrown(() => computeTaxYear([...three(), sell()], { year: 2025, method_orders: [{ method: 'specific', effective_from: '2025-01-01T00:00:00Z' }] }));
    expect(e.column).toBe('lots');
  });
  it('refuses a specific-ID lot that does not exist, is used up, or is acquired later', () => {
    expect(thrown(() => computeTaxYear([...three(), sell({ lots: [{ id: 'nope', quantity: '15' }] })], { year: 2025 })).message).toMatch(/lot "nope" does not exist/);
    const usedUp = [...three(), tx('sell', '2025-02-01', '10', '2', { lots: [{ id: 'l1', quantity: '10' }] }), sell({ lots: [{ id: 'l1', quantity: '5' }, { id: 'l2', quantity: '10' }] })];
    expect(thrown(() => computeTaxYear(usedUp, { year: 2025 })).message).toMatch(/lot "l1" is already used up/);
    const later = [tx('buy', '2025-01-05', '10', '1', { id: 'a' }), tx('sell', '2025-01-06', '1', '2', { lots: [{ id: 'b', quantity: '1' }] }), tx('buy', '2025-01-07', '10', '1', { id: 'b' })];
    expect(thrown(() => computeTaxYear(later, { year: 2025 })).message).toMatch(/acquired after/);
    expect(thrown(() => computeTaxYear([...three(), sell({ lots: [{ id: 'l1', quantity: '5' }] })], { year: 2025 })).message).toMatch(/add up/);
  });
  it('refuses a sale of more than is held, naming the row and column', () => {
    const e = thrown(() => computeTaxYear([tx('buy', '2025-01-05', '1', '1'), tx('sell', '2025-02-01', '2', '1', { id: 'big', row: 3 })], { year: 2025 }));
    expect([e.row, e.column, e.tx_id]).toEqual([3, 'quantity', 'big']);
    expect(e.message).toMatch(/^row 3 \(id "big"\), column quantity: sell of 2 but only 1 held/);
  });
});

describe('partial lots', () => {
  it('portions of a lot add up to its basis exactly', () => {
    const txs = [tx('buy', '2025-01-05', '7', '1.4285714', { fee_usd: '0.01' })];
    for (let i = 0; i < 7; i++) txs.push(tx('sell', `2025-02-0${i + 1}`, '1', '2'));
    const r = computeTaxYear(txs, { year: 2025 });
    const total = r.rows.reduce((s, x) => s + BigInt(x.cost_basis.replace('.', '')), 0n);
    expect(total).toBe(1001n); // 7 x 1.4285714 + 0.01 = 10.0099998 -> 10.01
  });
});

describe('form boxes', () => {
  const txs = (): TaxTransaction[] => [tx('buy', '2024-01-05', '2', '1'), tx('sell', '2025-01-02', '1', '2'), tx('sell', '2025-03-02', '1', '2')];
  it('C / F by default, I / L for a digital asset, overrides win', () => {
    expect(computeTaxYear(txs(), { year: 2025 }).rows.map((x) => x.box)).toEqual(['C', 'F']);
    expect(computeTaxYear(txs(), { year: 2025, digital_asset: true }).rows.map((x) => x.box)).toEqual(['I', 'L']);
    const o = computeTaxYear(txs(), { year: 2025, digital_asset: true, box_short: 'H', box_long: 'K' });
    expect(o.rows.map((x) => x.box)).toEqual(['H', 'K']);
    expect(o.schedule_d.line2.gain).toBe('1.00');
    expect(o.schedule_d.line9.gain).toBe('1.00');
  });
});

describe('what-if sale', () => {
  it('shows the lots, proceeds and short/long gain under the method in force', () => {
    const txs = [tx('buy', '2024-01-05', '10', '1', { id: 'old' }), tx('buy', '2025-01-05', '10', '3', { id: 'new' })];
    const w = whatIfSale(txs, {}, '15', '2', '2025-06-01T00:00:00Z');
    expect(w).toMatchObject({ method: 'fifo', proceeds: '30.00', cost_basis: '25.00', long_term_gain: '10.00', short_term_gain: '-5.00' });
    expect(w.portions.map((p) => [p.lot_id, p.quantity, p.term])).toEqual([['old', '10', 'long'], ['new', '5', 'short']]);
    const h = whatIfSale(txs, { method_orders: [{ method: 'hifo', effective_from: '2025-01-01T00:00:00Z' }] }, '15', '2', '2025-06-01T00:00:00Z');
    expect(h.portions.map((p) => p.lot_id)).toEqual(['new', 'old']);
  });
  it('refuses to sell more than is held at that time', () => {
    expect(() => whatIfSale([tx('buy', '2025-01-05', '1', '1')], {}, '2', '1', '2025-06-01T00:00:00Z')).toThrow(TaxInputError);
  });
  it.each([
    // fee, proceeds, gain (15 at $2 from lots of basis $25)
    ['0', '30.00', '5.00'],
    ['0.06', '29.94', '4.94'],
    ['0.001833', '30.00', '5.00'], // price × qty − fee rounded once to the cent, as a sell row is
    ['0.015', '29.99', '4.99'], // 29.985: half a cent rounds up
    ['30', '0.00', '-25.00'],
  ])('takes a fee of %s from the proceeds (%s), as Form 8949 does', (fee, proceeds, gain) => {
    const txs = [tx('buy', '2024-01-05', '10', '1', { id: 'old' }), tx('buy', '2025-01-05', '10', '3', { id: 'new' })];
    const w = whatIfSale(txs, {}, '15', '2', '2025-06-01T00:00:00Z', undefined, fee);
    expect(w.proceeds).toBe(proceeds);
    expect(dec(w.short_term_gain).plus(dec(w.long_term_gain)).toFixed(2)).toBe(gain);
    const live = LiveTax.build(txs, {});
    expect(live.whatIf('15', '2', '2025-06-01T00:00:00Z', undefined, fee)).toEqual(w);
  });
  it('refuses a fee above the value of the sale, or not a decimal, naming it', () => {
    const txs = [tx('buy', '2025-01-05', '10', '1')];
    for (const fee of ['30.01', '-1', 'x']) {
      expect(() => whatIfSale(txs, {}, '15', '2', '2025-06-01T00:00:00Z', undefined, fee)).toThrow(/fee/);
      expect(() => LiveTax.build(txs, {}).whatIf('15', '2', '2025-06-01T00:00:00Z', undefined, fee)).toThrow(/fee/);
    }
  });
});

describe('input validation', () => {
  const bad: [string, Partial<TaxTransaction>, string][] = [
    ['negative quantity', { quantity: '-1' }, 'quantity'],
    ['zero quantity', { quantity: '0' }, 'quantity'],
    ['too many decimals', { quantity: '0.000000001' }, 'quantity'],
    ['exponent price', { price_usd: '1e3' }, 'price'],
    ['negative fee', { fee_usd: '-1' }, 'fee'],
    ['time without offset', { time: '2025-01-05T10:00:00' }, 'time'],
    ['impossible date', { time: '2025-02-30T10:00:00Z' }, 'time'],
    ['unknown type', { type: 'gift' as never }, 'type'],
    ['basis on a buy', { basis_usd: '3' }, 'basis'],
  ];
  it.each(bad)('%s -> column %s', (_name, patch, column) => {
    const e = thrown(() => computeTaxYear([{ ...tx('buy', '2025-01-05', '1', '1'), ...patch, row: 7 }], { year: 2025 }));
    expect([e.column, e.row]).toEqual([column, 7]);
  });
  it('refuses duplicate ids', () => {
    expect(thrown(() => computeTaxYear([tx('buy', '2025-01-05', '1', '1', { id: 'x' }), tx('buy', '2025-01-06', '1', '1', { id: 'x' })], { year: 2025 })).column).toBe('id');
  });
  it('refuses bad settings by name', () => {
    expect(thrown(() => computeTaxYear([], { year: 2025, filing_status: 'joint' as never })).column).toBe('settings.filing_status');
    expect(thrown(() => computeTaxYear([], { year: 2025, tz: 'Mars/Olympus' })).message).toMatch(/time zone/);
  });
  it('processes out-of-order input in time order', () => {
    const r = computeTaxYear([tx('sell', '2025-03-01', '1', '2'), tx('buy', '2025-01-05', '1', '1')], { year: 2025 });
    expect(r.rows[0]?.gain_loss).toBe('1.00');
  });
});
