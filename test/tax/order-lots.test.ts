// An order's chosen lots (TaxTransaction.order_lots) as its fills become disposals: taken in the
// listed order, partial fills taking the next part of the list, and the fallback to the standing
// method (with a warning) when a chosen lot is no longer there. Table-driven: inputs → 8949 rows.
import { describe, expect, it } from 'vitest';
import { computeTaxYear, whatIfSale, type TaxTransaction } from '../../electron/services/tax/index.js';
import { LiveTax } from '../../electron/services/tax/live.js';
import { buildReportFiles } from '../../electron/services/tax/report.js';

const buys: TaxTransaction[] = [
  { id: 'b1', time: '2024-01-02T12:00:00Z', type: 'buy', quantity: '2', price_usd: '10', fee_usd: '0' },
  { id: 'b2', time: '2025-03-01T12:00:00Z', type: 'buy', quantity: '2', price_usd: '20', fee_usd: '0' },
  { id: 'b3', time: '2025-04-01T12:00:00Z', type: 'buy', quantity: '2', price_usd: '30', fee_usd: '0' },
];
const sell = (id: string, date: string, quantity: string, extra: Partial<TaxTransaction> = {}): TaxTransaction => ({
  id, time: `${date}T12:00:00Z`, type: 'sell', quantity, price_usd: '25', fee_usd: '0', ...extra,
});
const chose = (order: string, ...lots: [string, string][]): Partial<TaxTransaction> => ({ order, order_lots: lots.map(([id, quantity]) => ({ id, quantity })) });

interface Case {
  name: string;
  txs: TaxTransaction[];
  settings?: Record<string, unknown>;
  /** Per 8949 row: disposal, lot, date acquired, quantity, basis, gain, method. */
  rows: [string, string, string, string, string, string, string][];
  warnings: RegExp[];
}

const CASES: Case[] = [
  {
    name: 'one fill takes the chosen lot, not FIFO\'s',
    txs: [...buys, sell('s1', '2025-06-01', '1', chose('o1', ['b3', '1']))],
    rows: [['s1', 'b3', '2025-04-01', '1', '30.00', '-5.00', 'specific']],
    warnings: [],
  },
  {
    name: 'partial fills take the list in order',
    txs: [...buys, sell('s1', '2025-06-01', '0.5', chose('o1', ['b3', '1'], ['b1', '1'])), sell('s2', '2025-06-02', '1', chose('o1', ['b3', '1'], ['b1', '1'])), sell('s3', '2025-06-03', '0.5', chose('o1', ['b3', '1'], ['b1', '1']))],
    rows: [
      ['s1', 'b3', '2025-04-01', '0.5', '15.00', '-2.50', 'specific'],
      ['s2', 'b3', '2025-04-01', '0.5', '15.00', '-2.50', 'specific'],
      ['s2', 'b1', '2024-01-02', '0.5', '5.00', '7.50', 'specific'],
      ['s3', 'b1', '2024-01-02', '0.5', '5.00', '7.50', 'specific'],
    ],
    warnings: [],
  },
  {
    name: 'two orders keep their own places in their lists',
    txs: [...buys, sell('s1', '2025-06-01', '1', chose('o1', ['b2', '2'])), sell('s2', '2025-06-01', '1', chose('o2', ['b3', '1'])), sell('s3', '2025-06-02', '1', chose('o1', ['b2', '2']))],
    rows: [
      ['s1', 'b2', '2025-03-01', '1', '20.00', '5.00', 'specific'],
      ['s2', 'b3', '2025-04-01', '1', '30.00', '-5.00', 'specific'],
      ['s3', 'b2', '2025-03-01', '1', '20.00', '5.00', 'specific'],
    ],
    warnings: [],
  },
  {
    name: 'a chosen lot used up before the fill: the standing method, with a warning',
    txs: [...buys, sell('s0', '2025-05-01', '2', { lots: [{ id: 'b3', quantity: '2' }] }), sell('s1', '2025-06-01', '1', chose('o1', ['b3', '1']))],
    rows: [
      ['s0', 'b3', '2025-04-01', '2', '60.00', '-10.00', 'specific'],
      ['s1', 'b1', '2024-01-02', '1', '10.00', '15.00', 'fifo'],
    ],
    warnings: [/^sell s1 on 2025-06-01: lot "b3" is already used up; FIFO used instead$/],
  },
  {
    name: 'a chosen lot partly gone: the whole fill falls back (HIFO standing)',
    settings: { method_orders: [{ method: 'hifo', effective_from: '2025-01-01T00:00:00Z' }] },
    txs: [...buys, sell('s0', '2025-05-01', '1.5', { lots: [{ id: 'b1', quantity: '1.5' }] }), sell('s1', '2025-06-01', '1', chose('o1', ['b1', '1']))],
    rows: [
      ['s0', 'b1', '2024-01-02', '1.5', '15.00', '22.50', 'specific'],
      ['s1', 'b3', '2025-04-01', '1', '30.00', '-5.00', 'hifo'],
    ],
    warnings: [/lot "b1" has only 0\.5 left, not 1; HIFO used instead/],
  },
  {
    name: 'a lot that does not exist, and a fill beyond the list',
    txs: [...buys, sell('s1', '2025-06-01', '1', chose('o1', ['nope', '1'])), sell('s2', '2025-06-02', '2', chose('o2', ['b3', '1']))],
    rows: [
      ['s1', 'b1', '2024-01-02', '1', '10.00', '15.00', 'fifo'],
      ['s2', 'b1', '2024-01-02', '1', '10.00', '15.00', 'fifo'],
      ['s2', 'b2', '2025-03-01', '1', '20.00', '5.00', 'fifo'],
    ],
    warnings: [/lot "nope" does not exist/, /the lots order o2 chose cover 1 of this fill's 2; FIFO used instead/],
  },
  {
    name: 'specific-ID standing order: a choice is taken; no choice is FIFO with a warning (wallet setting)',
    settings: { method_orders: [{ method: 'specific', effective_from: '2025-01-01T00:00:00Z' }], specific_without_lots: 'fifo' },
    txs: [...buys, sell('s1', '2025-06-01', '1', chose('o1', ['b2', '1'])), { id: 'r1', time: '2025-06-02T12:00:00Z', type: 'redeem', quantity: '1', price_usd: '25', fee_usd: '0' }],
    rows: [
      ['s1', 'b2', '2025-03-01', '1', '20.00', '5.00', 'specific'],
      ['r1', 'b1', '2024-01-02', '1', '10.00', '15.00', 'fifo'],
    ],
    warnings: [/^redeem r1 on 2025-06-02: no lots were named under the specific-identification standing order; FIFO used/],
  },
];

describe('an order\'s chosen lots become the 8949 rows', () => {
  it.each(CASES)('$name', (c) => {
    const settings = { year: 2025, ...c.settings };
    const full = computeTaxYear(c.txs, settings);
    expect(full.rows.map((r) => [r.disposal_id, r.lot_id, r.date_acquired, r.quantity, r.cost_basis, r.gain_loss, r.method])).toEqual(c.rows);
    expect(full.warnings.map((w) => w.message)).toEqual(c.warnings.map((w) => expect.stringMatching(w)));
    // The live state, one transaction at a time, agrees.
    const live = LiveTax.build([], { ...c.settings });
    for (const t of c.txs) live.apply(t);
    expect(live.warnings(2025)).toEqual(full.warnings);
    expect(live.year(2025).totals).toEqual(full.totals);
  });

  it('refuses a row naming both its lots and its order\'s, and a chosen list on a buy', () => {
    expect(() => computeTaxYear([...buys, sell('s1', '2025-06-01', '1', { lots: [{ id: 'b1', quantity: '1' }], ...chose('o1', ['b2', '1']) })], { year: 2025 })).toThrow(/either its lots or its order's chosen lots/);
    expect(() => computeTaxYear([{ ...buys[0]!, ...chose('o1', ['b2', '1']) }], { year: 2025 })).toThrow(/only sells carry/);
    expect(() => computeTaxYear([...buys, sell('s1', '2025-06-01', '1', { order_lots: [{ id: 'b1', quantity: '1' }] })], { year: 2025 })).toThrow(/order.*required with order_lots/);
  });
  it('the report files say which disposals did not use their chosen lots', async () => {
    const c = CASES.find((x) => x.name.startsWith('a chosen lot used up'))!;
    const files = await buildReportFiles(computeTaxYear(c.txs, { year: 2025 }), { data_as_of: 'test', generated_at: '2025-12-31T00:00:00Z' });
    const sd = JSON.parse(String(files.find((f) => f.name === 'schedule-d-2025.json')!.content)) as { lot_warnings: { disposal_id: string; message: string }[] };
    expect(sd.lot_warnings).toEqual([{ disposal_id: 's1', date: '2025-06-01', message: expect.stringMatching(/lot "b3" is already used up; FIFO used instead/) }]);
    const manifest = JSON.parse(String(files.find((f) => f.name === 'manifest.json')!.content)) as { files: { name: string; notes: string[] }[] };
    expect(manifest.files.find((f) => f.name === 'form8949-2025.csv')!.notes).toEqual(['1 disposal did not use the lots chosen for it; see lot_warnings in schedule-d-2025.json']);
  });

  it('refuses a disposal without lots under specific ID unless the setting says FIFO', () => {
    const s = { year: 2025, method_orders: [{ method: 'specific' as const, effective_from: '2025-01-01T00:00:00Z' }] };
    expect(() => computeTaxYear([...buys, sell('s1', '2025-06-01', '1')], s)).toThrow(/must name its lots/);
  });
});

describe('what-if with named lots', () => {
  const at = '2025-07-01T00:00:00Z';
  const state = LiveTax.build(buys, {});
  it.each([
    { lots: [{ id: 'b3', quantity: '1' }, { id: 'b1', quantity: '0.5' }], q: '1.5', err: null },
    { lots: [{ id: 'b9', quantity: '1' }], q: '1', err: /lot "b9" does not exist/ },
    { lots: [{ id: 'b1', quantity: '3' }], q: '3', err: /lot "b1" has only 2 left, not 3/ },
    { lots: [{ id: 'b1', quantity: '1' }], q: '2', err: /add up to 1, not the sale's quantity 2/ },
    { lots: [{ id: 'b1', quantity: '1' }, { id: 'b1', quantity: '1' }], q: '2', err: /named twice/ },
    { lots: [{ id: 'b1', quantity: '0' }], q: '0.5', err: /greater than 0/ },
    { lots: [], q: '1', err: /at least one lot/ },
  ])('$lots.0.id $q → $err', ({ lots, q, err }) => {
    if (err) {
      expect(() => state.whatIf(q, '25', at, lots)).toThrow(err);
      expect(() => whatIfSale(buys, {}, q, '25', at, lots)).toThrow(err);
      return;
    }
    const r = state.whatIf(q, '25', at, lots);
    expect(r).toEqual(whatIfSale(buys, {}, q, '25', at, lots));
    expect(r).toMatchObject({ method: 'specific', needs_lot_selection: false, cost_basis: '35.00', short_term_gain: '-5.00', long_term_gain: '7.50' });
    expect(r.portions.map((p) => [p.lot_id, p.acquired_date, p.quantity, p.term])).toEqual([['b3', '2025-04-01', '1', 'short'], ['b1', '2024-01-02', '0.5', 'long']]);
  });
  it('under specific ID without lots: FIFO\'s portions, flagged needs_lot_selection', () => {
    const s = { method_orders: [{ method: 'specific' as const, effective_from: '2025-01-01T00:00:00Z' }] };
    const spec = LiveTax.build(buys, s);
    const r = spec.whatIf('1', '25', at);
    expect(r).toEqual(whatIfSale(buys, s, '1', '25', at));
    expect(r).toMatchObject({ method: 'fifo', needs_lot_selection: true, portions: [{ lot_id: 'b1' }] });
  });
});
