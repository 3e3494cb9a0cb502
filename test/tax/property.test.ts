// Property tests on random histories, and a brute-force reference for FIFO / LIFO / HIFO
// written separately from the engine (decimal.js, re-sorting every lot at every sale).
import fc from 'fast-check';
import { D, type Dec } from '../../shared/money.js';
import { describe, expect, it } from 'vitest';
import { computeTaxYear, type LotMethod, type TaxTransaction } from '../../electron/services/tax/index.js';

const R = D;
const cents = (x: Dec): Dec => x.toDecimalPlaces(2, D.ROUND_HALF_UP);
const toCentsInt = (s: string): bigint => BigInt(s.replace('.', ''));

interface Op {
  buy: boolean;
  qty: number; // hundredths of a token
  price: number; // 1/10000 USD
  fee: number; // cents
  gapDays: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  buy: fc.boolean(),
  qty: fc.integer({ min: 1, max: 5000 }),
  price: fc.integer({ min: 1, max: 200_000 }),
  fee: fc.integer({ min: 0, max: 300 }),
  gapDays: fc.integer({ min: 0, max: 12 }),
});

function frac(n: number, decimals: number): string {
  return new R(n).div(new R(10).pow(decimals)).toFixed();
}

/** Builds a valid history in 2025: sells never exceed what is held. */
function history(ops: Op[]): TaxTransaction[] {
  const out: TaxTransaction[] = [];
  let held = 0;
  let day = 0;
  ops.forEach((op, i) => {
    day = Math.min(day + op.gapDays, 360);
    const date = new Date(Date.UTC(2025, 0, 1 + day, 10, 0, i % 60)).toISOString();
    let qty = op.qty;
    if (!op.buy) {
      if (held === 0) return;
      qty = Math.min(qty, held);
    }
    held += op.buy ? qty : -qty;
    // A sell's fee never exceeds its value (the engine refuses that).
    const fee = op.buy ? op.fee : Math.min(op.fee, Math.floor((qty * op.price) / 10_000));
    out.push({ id: `t${i}`, time: date, type: op.buy ? 'buy' : 'sell', quantity: frac(qty, 2), price_usd: frac(op.price, 4), fee_usd: frac(fee, 2) });
  });
  return out;
}

interface RefRow {
  lot: string;
  qty: string;
  basis: string;
  proceeds: string;
}

/** The reference: every sale re-sorts all open lots by the method; pro-rata on the remaining basis. */
function reference(txs: TaxTransaction[], method: LotMethod): RefRow[] {
  const lots: { id: string; order: number; qty: Dec; basis: Dec }[] = [];
  const rows: RefRow[] = [];
  for (const t of [...txs].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
    const q = new R(t.quantity);
    if (t.type === 'buy') {
      lots.push({ id: t.id, order: lots.length, qty: q, basis: cents(new R(t.price_usd).mul(q).add(t.fee_usd)) });
      continue;
    }
    let procLeft = cents(new R(t.price_usd).mul(q).sub(t.fee_usd));
    let qtyLeft = q;
    while (qtyLeft.gt(0)) {
      const open = lots.filter((l) => l.qty.gt(0));
      open.sort((a, b) => {
        if (method === 'lifo') return b.order - a.order;
        if (method === 'hifo') {
          const c = b.basis.div(b.qty).cmp(a.basis.div(a.qty));
          return c !== 0 ? c : a.order - b.order;
        }
        return a.order - b.order;
      });
      const lot = open[0];
      if (!lot) throw new Error('reference: oversold');
      const take = D.min(lot.qty, qtyLeft);
      const basis = take.eq(lot.qty) ? lot.basis : cents(lot.basis.mul(take).div(lot.qty));
      const proceeds = take.eq(qtyLeft) ? procLeft : cents(procLeft.mul(take).div(qtyLeft));
      lot.qty = lot.qty.sub(take);
      lot.basis = lot.basis.sub(basis);
      procLeft = procLeft.sub(proceeds);
      qtyLeft = qtyLeft.sub(take);
      rows.push({ lot: lot.id, qty: take.toFixed(), basis: basis.toFixed(2), proceeds: proceeds.toFixed(2) });
    }
  }
  return rows;
}

const RUNS = Number(process.env.TAX_PROPERTY_RUNS ?? 150);
const historyArb = fc.array(opArb, { minLength: 1, maxLength: 40 }).map(history);

describe('property: the engine on random histories', () => {
  for (const method of ['fifo', 'lifo', 'hifo'] as const) {
    it(`${method.toUpperCase()} agrees with the brute-force reference`, () => {
      fc.assert(fc.property(historyArb, (txs) => {
        const r = computeTaxYear(txs, { year: 2025, method_orders: [{ method, effective_from: '2000-01-01T00:00:00Z' }] });
        const got = r.rows.map((x) => ({ lot: x.lot_id, qty: x.quantity, basis: x.cost_basis, proceeds: x.proceeds }));
        expect(got).toEqual(reference(txs, method));
      }), { numRuns: RUNS });
    });
  }

  it('conserves quantities, basis and proceeds; each row gain = proceeds - basis + adjustment (wash sales on and off)', () => {
    fc.assert(fc.property(historyArb, fc.boolean(), fc.constantFrom<LotMethod>('fifo', 'lifo', 'hifo'), (txs, wash_sale, method) => {
      const r = computeTaxYear(txs, { year: 2025, wash_sale, method_orders: [{ method, effective_from: '2000-01-01T00:00:00Z' }] });
      const q = (s: string): bigint => BigInt(new R(s).mul(1e8).toFixed(0));
      let bought = 0n, sold = 0n, basisIn = 0n, proceedsIn = 0n;
      const soldById = new Map<string, bigint>();
      for (const t of txs) {
        if (t.type === 'buy') {
          bought += q(t.quantity);
          basisIn += toCentsInt(cents(new R(t.price_usd).mul(t.quantity).add(t.fee_usd)).toFixed(2));
        } else {
          sold += q(t.quantity);
          proceedsIn += toCentsInt(cents(new R(t.price_usd).mul(t.quantity).sub(t.fee_usd)).toFixed(2));
          soldById.set(t.id, q(t.quantity));
        }
      }
      let rowQty = 0n, rowBasis = 0n, rowProceeds = 0n, adj = 0n;
      for (const row of r.rows) {
        expect(toCentsInt(row.gain_loss)).toBe(toCentsInt(row.proceeds) - toCentsInt(row.cost_basis) + toCentsInt(row.adjustment));
        expect(row.code === 'W').toBe(row.adjustment !== '0.00');
        rowQty += q(row.quantity);
        rowBasis += toCentsInt(row.cost_basis);
        rowProceeds += toCentsInt(row.proceeds);
        adj += toCentsInt(row.adjustment);
      }
      let heldQty = 0n, heldBasis = 0n;
      for (const l of r.lots) {
        heldQty += q(l.remaining_quantity);
        heldBasis += toCentsInt(l.remaining_basis);
      }
      expect(rowQty).toBe(sold);
      expect(heldQty).toBe(bought - sold);
      expect(rowProceeds).toBe(proceedsIn);
      // No cent is created or lost: what was paid, plus disallowed losses moved onto replacements, is either sold or still held.
      expect(rowBasis + heldBasis).toBe(basisIn + adj);
      if (!wash_sale) expect(adj).toBe(0n);
    }), { numRuns: RUNS });
  });

  it('portions of each lot add up to that lot\'s basis to the cent', () => {
    fc.assert(fc.property(historyArb, (txs) => {
      const r = computeTaxYear(txs, { year: 2025 });
      const byLot = new Map<string, bigint>();
      for (const row of r.rows) byLot.set(row.lot_id, (byLot.get(row.lot_id) ?? 0n) + toCentsInt(row.cost_basis));
      for (const l of r.lots) byLot.set(l.lot_id, (byLot.get(l.lot_id) ?? 0n) + toCentsInt(l.remaining_basis));
      for (const t of txs) {
        if (t.type !== 'buy') continue;
        const basis = toCentsInt(cents(new R(t.price_usd).mul(t.quantity).add(t.fee_usd)).toFixed(2));
        expect(byLot.get(t.id) ?? 0n).toBe(basis);
      }
    }), { numRuns: RUNS });
  });
});

describe('property: amounts', () => {
  const decimalText = (maxInt: number, maxDecimals: number): fc.Arbitrary<string> =>
    fc.tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: maxDecimals }), fc.bigInt({ min: 0n, max: 10n ** 8n - 1n }))
      .map(([whole, decimals, frac]) => (decimals === 0 ? String(whole) : `${whole}.${frac.toString().padStart(8, '0').slice(0, decimals)}`));

  it('basis = price x quantity + fee and proceeds = price x quantity - fee, rounded once to the cent (against decimal.js)', () => {
    fc.assert(fc.property(
      decimalText(100_000, 8).filter((q) => new R(q).gt(0)), decimalText(50_000, 8), decimalText(1000, 4), decimalText(100, 4),
      (quantity, price, buyFee, sellFeeRaw) => {
        const value = new R(price).mul(quantity);
        const sellFee = new R(sellFeeRaw).lte(value) ? sellFeeRaw : '0';
        const txs: TaxTransaction[] = [
          { id: 'b', time: '2025-01-01T00:00:00Z', type: 'buy', quantity, price_usd: price, fee_usd: buyFee },
          { id: 's', time: '2025-02-01T00:00:00Z', type: 'sell', quantity, price_usd: price, fee_usd: sellFee },
        ];
        const r = computeTaxYear(txs, { year: 2025 });
        expect(r.rows[0]?.cost_basis).toBe(cents(value.add(buyFee)).toFixed(2));
        expect(r.rows[0]?.proceeds).toBe(cents(value.sub(sellFee)).toFixed(2));
      },
    ), { numRuns: RUNS * 4 });
  });
});
