// The live tax state (kept current one transaction at a time) against the full recompute, the
// reference: on random histories over two year ends, with standing-order changes between events,
// all mint basis policies, wash sales on and off, and sells whose order chose its lots (filled in
// parts, some of the chosen lots gone by then: the fallback and its warnings must agree too).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTaxYear, unrealizedPositions, whatIfSale, type LotMethod, type MethodOrder, type TaxTransaction } from '../../electron/services/tax/index.js';
import { LiveTax, NeedsFullRecompute } from '../../electron/services/tax/live.js';
import { dec as money, formatCents, toCanonical } from '../../shared/money.js';

const RUNS = 150;
const START_MS = Date.UTC(2024, 10, 1);
const DAY_MS = 86_400_000;

interface Op {
  kind: 'buy' | 'sell' | 'mint' | 'redeem' | 'income';
  qty: number; // hundredths of a token
  price: number; // 1/10000 USD
  fee: number; // cents
  gapHours: number;
  /** A standing order change just after this event. */
  method: LotMethod | null;
  /** Sells: null = no choice; 0 = another fill of the last order with a choice; k > 0 = a new order choosing lots by seed k. */
  pick: number | null;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('buy', 'buy', 'sell', 'sell', 'mint', 'redeem', 'income'),
  qty: fc.integer({ min: 1, max: 3000 }),
  price: fc.integer({ min: 1, max: 50_000 }),
  fee: fc.integer({ min: 0, max: 200 }),
  gapHours: fc.integer({ min: 0, max: 24 * 9 }),
  method: fc.option(fc.constantFrom<LotMethod>('fifo', 'lifo', 'hifo', 'specific'), { freq: 6 }),
  pick: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { freq: 2 }),
});

const dec = (n: number, decimals: number): string => (n / 10 ** decimals).toFixed(decimals);

/** A valid history (disposals never exceed what is held), in time order, and the standing orders it meets. */
function history(ops: Op[]): { txs: TaxTransaction[]; orders: MethodOrder[] } {
  const txs: TaxTransaction[] = [];
  const orders: MethodOrder[] = [];
  let held = 0;
  let ms = START_MS;
  const acquired: { id: string; qty: number }[] = [];
  let order: { order: string; order_lots: { id: string; quantity: string }[] } | null = null;
  ops.forEach((op, i) => {
    ms += op.gapHours * 3_600_000 + 10_000;
    const disposal = op.kind === 'sell' || op.kind === 'redeem';
    let qty = op.qty;
    if (disposal) {
      if (held === 0) return;
      qty = Math.min(qty, held);
    }
    held += disposal ? -qty : qty;
    const fee = op.kind === 'buy' ? op.fee : op.kind === 'sell' ? Math.min(op.fee, Math.floor((qty * op.price) / 10_000)) : 0;
    const time = new Date(ms).toISOString();
    if (!disposal) acquired.push({ id: `t${i}`, qty });
    if (op.kind === 'sell' && op.pick !== null && (op.pick > 0 || !order)) {
      // A new order choosing 1–3 earlier lots (some may be used up by now), a quantity of each.
      const seed = op.pick + 1;
      const ids = [...new Set([seed, seed * 7, seed * 13].slice(0, 1 + (seed % 3)).map((k) => k % acquired.length))];
      order = { order: `o${i}`, order_lots: ids.map((k, j) => ({ id: acquired[k]!.id, quantity: dec((seed >> j) % 2 === 0 ? acquired[k]!.qty : 1 + ((seed >> j) % acquired[k]!.qty), 2) })) };
    }
    const pick = op.kind === 'sell' && op.pick !== null && order ? order : null;
    txs.push({
      id: `t${i}`, time, type: op.kind, quantity: dec(qty, 2), price_usd: dec(op.price, 4), fee_usd: dec(fee, 2),
      ...(op.kind === 'mint' ? { basis_usd: dec(qty * 37, 4) } : {}),
      ...(pick ? { order: pick.order, order_lots: pick.order_lots } : {}),
    });
    if (op.method) orders.push({ method: op.method, effective_from: new Date(ms + 1000).toISOString() });
  });
  return { txs, orders };
}

// Specific-ID standing orders appear in the histories: disposals without a choice then use FIFO with a warning (the wallet's setting).
const settingsArb = fc.record({
  wash_sale: fc.boolean(), mint_basis: fc.constantFrom('allocated', 'fmv', 'zero') as fc.Arbitrary<'allocated' | 'fmv' | 'zero'>, specific_without_lots: fc.constant('fifo' as const),
});
type Settings = { wash_sale: boolean; mint_basis: 'allocated' | 'fmv' | 'zero'; specific_without_lots: 'fifo' };

/** Applies the history one transaction at a time, each standing order just after the event it follows. */
function live(txs: TaxTransaction[], orders: MethodOrder[], s: Settings): LiveTax {
  const state = LiveTax.build([], s);
  let o = 0;
  for (const tx of txs) {
    while (o < orders.length && Date.parse(orders[o]!.effective_from) <= Date.parse(tx.time)) state.addMethodOrder(orders[o++]!);
    state.apply(tx);
  }
  while (o < orders.length) state.addMethodOrder(orders[o++]!);
  return state;
}

describe('live tax state == full recompute', () => {
  it('year figures, held lots, holdings and the what-if agree on random histories', () => {
    // The generator must reach both paths of a chosen lot: taken as chosen, and the fallback.
    const seen = { chosen: 0, fallback: 0 };
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), settingsArb, fc.integer({ min: 1, max: 100 }), (ops, s, sellPct) => {
        const { txs, orders } = history(ops);
        const state = live(txs, orders, s);
        const settings = { ...s, method_orders: orders };
        const rebuilt = LiveTax.build(txs, settings);
        for (const year of [2024, 2025, 2026]) {
          const full = computeTaxYear(txs, { ...settings, year });
          for (const got of [state.year(year), rebuilt.year(year)]) {
            expect(got.schedule_d).toEqual(full.schedule_d);
            expect(got.totals).toEqual(full.totals);
            expect(got.row_count).toBe(full.row_count);
          }
          expect(state.warnings(year)).toEqual(full.warnings);
          seen.chosen += full.rows.filter((r) => r.method === 'specific').length;
          seen.fallback += full.warnings.length;
          expect(rebuilt.warnings(year)).toEqual(full.warnings);
        }
        const asOf = new Date(Date.parse(txs.at(-1)?.time ?? '2025-01-01T00:00:00Z') + DAY_MS).toISOString();
        const lots = unrealizedPositions(txs, settings, '1.2345', asOf);
        expect(state.heldLots('1.2345', asOf, Infinity)).toEqual({ lots, truncated: false });
        if (lots.length > 1) expect(state.heldLots('1.2345', asOf, 1)).toEqual({ lots: lots.slice(0, 1), truncated: true });
        for (const h of state.holdings()) {
          const mine = lots.filter((l) => l.source === h.source);
          expect(h.quantity).toBe(toCanonical(mine.reduce((acc, l) => acc.plus(money(l.quantity)), money('0'))));
          expect(h.cost_basis).toBe(formatCents(mine.reduce((acc, l) => acc.plus(money(l.cost_basis)), money('0'))));
        }
        expect(state.holdings().map((h) => h.source).sort()).toEqual([...new Set(lots.map((l) => l.source))].sort());
        const heldQty = lots.reduce((acc, l) => acc + Math.round(Number(l.quantity) * 100), 0);
        if (heldQty > 0) {
          const quantity = dec(Math.max(1, Math.floor((heldQty * sellPct) / 100)), 2);
          // A low price: the what-if realizes losses, which wash sales may disallow.
          for (const price of ['0.0001', '3.5']) expect(state.whatIf(quantity, price, asOf)).toEqual(whatIfSale(txs, settings, quantity, price, asOf));
          // Named lots: the last held lot whole, then part of the first (a different piece order than FIFO's).
          const chosen = [lots.at(-1)!, ...(lots.length > 1 ? [lots[0]!] : [])];
          const named = [...new Map(chosen.map((l) => [l.lot_id, l])).values()].map((l, j) => ({ id: l.lot_id, quantity: j === 0 ? l.quantity : '0.01' }));
          const total = toCanonical(named.reduce((acc, l) => acc.plus(money(l.quantity)), money('0')));
          const [mine, ref] = [() => state.whatIf(total, '3.5', asOf, named), () => whatIfSale(txs, settings, total, '3.5', asOf, named)];
          let expected: unknown;
          try {
            expected = ref();
          } catch (err) {
            expected = err;
          }
          if (expected instanceof Error) expect(mine).toThrow(expected.message);
          else expect(mine()).toEqual(expected);
        }
        const tooMuch = dec(heldQty + 1, 2);
        expect(() => state.whatIf(tooMuch, '1', asOf)).toThrow(/held/);
      }),
      { numRuns: RUNS },
    );
    expect(seen.chosen).toBeGreaterThan(10);
    expect(seen.fallback).toBeGreaterThan(10);
  });

  it('holdings add up to what is held, by source', () => {
    const state = LiveTax.build([], { mint_basis: 'allocated' });
    state.apply({ id: 'b1', time: '2025-01-01T00:00:00Z', type: 'buy', quantity: '2', price_usd: '1.5', fee_usd: '0.01' });
    state.apply({ id: 'm1', time: '2025-01-02T00:00:00Z', type: 'mint', quantity: '3', price_usd: '1', fee_usd: '0', basis_usd: '0.75' });
    state.apply({ id: 's1', time: '2025-01-03T00:00:00Z', type: 'sell', quantity: '1', price_usd: '2', fee_usd: '0' });
    expect(state.holdings()).toEqual([
      { source: 'mint', quantity: '3', cost_basis: '0.75' },
      { source: 'buy', quantity: '1', cost_basis: '1.50' },
    ]);
    expect(state.year(2025).schedule_d.line3.gain).toBe('0.49'); // proceeds 2.00 - half of 3.01 rounded half up (1.51)
  });

  it('a purchase within 30 days after a loss sale disallows the loss in the sale\'s year (late wash match)', () => {
    const state = LiveTax.build([], { wash_sale: true });
    state.apply({ id: 'b1', time: '2025-12-01T00:00:00Z', type: 'buy', quantity: '10', price_usd: '2', fee_usd: '0' });
    state.apply({ id: 's1', time: '2025-12-20T00:00:00Z', type: 'sell', quantity: '10', price_usd: '1', fee_usd: '0' });
    expect(state.year(2025).totals).toMatchObject({ short_term_gain: '-10.00', wash_sale_disallowed: '0.00' });
    state.apply({ id: 'b2', time: '2026-01-10T00:00:00Z', type: 'buy', quantity: '4', price_usd: '1', fee_usd: '0' });
    expect(state.year(2025).totals).toMatchObject({ short_term_gain: '-6.00', wash_sale_disallowed: '4.00' });
    expect(state.heldLots('1', '2026-01-11T00:00:00Z', 10).lots[0]).toMatchObject({ lot_id: 'b2', cost_basis: '8.00', holding_start: '2025-12-22' });
    // Past the window: no further match.
    state.apply({ id: 'b3', time: '2026-01-25T00:00:00Z', type: 'buy', quantity: '4', price_usd: '1', fee_usd: '0' });
    expect(state.year(2025).totals.wash_sale_disallowed).toBe('4.00');
  });

  it('refuses what it cannot follow step by step, and bad transactions, with specific errors', () => {
    const state = LiveTax.build([{ id: 'b1', time: '2025-03-01T00:00:00Z', type: 'buy', quantity: '1', price_usd: '1', fee_usd: '0' }], {});
    expect(() => state.apply({ id: 'b0', time: '2025-02-01T00:00:00Z', type: 'buy', quantity: '1', price_usd: '1', fee_usd: '0' })).toThrow(NeedsFullRecompute);
    expect(() => state.addMethodOrder({ method: 'hifo', effective_from: '2025-02-01T00:00:00Z' })).toThrow(NeedsFullRecompute);
    expect(() => state.apply({ id: 'b1', time: '2025-03-02T00:00:00Z', type: 'buy', quantity: '1', price_usd: '1', fee_usd: '0' })).toThrow(/duplicate id "b1"/);
    expect(() => state.whatIf('0', '1', '2025-04-01T00:00:00Z')).toThrow(/greater than 0/);
    expect(state.count).toBe(1);
    // An impossible disposal: the history itself is wrong, so the state refuses to answer until rebuilt.
    expect(() => state.apply({ id: 's1', time: '2025-03-02T00:00:00Z', type: 'sell', quantity: '2', price_usd: '1', fee_usd: '0' })).toThrow(/only 1 held/);
    expect(() => state.year(2025)).toThrow(/only 1 held/);
  });
});
