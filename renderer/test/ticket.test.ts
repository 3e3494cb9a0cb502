import { describe, expect, it } from 'vitest';
import {
  buildOrder,
  heldUsd,
  estimate,
  problems,
  quantityForPercent,
  warnings,
  expectedSellPrice,
  wouldCross,
  type TicketDraft,
  type TicketRules,
} from '../src/components/trade/ticket';
import { PlaceOrderInput } from '../../shared/contract/orders';
import { dec } from '../../shared/money';

const RULES: TicketRules = {
  tick_size: '0.0001',
  lot_size: '0.01',
  min_price: '0.0001',
  max_price: '1000',
  max_quantity: '1000000',
  maker_fee_bps: 10,
  taker_fee_bps: 20,
};
const NOW = Date.parse('2026-12-04T12:00:00Z');
const draft = (over: Partial<TicketDraft> = {}): TicketDraft => ({
  side: 'buy',
  type: 'limit',
  quantity: '10',
  price: '1.5',
  time_in_force: 'GTC',
  post_only: false,
  send_within_hours: '24',
  good_till_ms: null,
  ...over,
});
const MARKET = { best_bid: '1.4900', best_ask: '1.5100', last: '1.5000' };

describe('quantityForPercent', () => {
  it.each([
    // side, percent, price, usd, tokens, expected
    ['sell', 50, '1', '0', '10.05', '5.02'], // floored to the lot
    ['sell', 100, '1', '0', '3.337', '3.33'],
    ['sell', 25, '1', '0', '0', null],
    ['buy', 100, '1', '100', '0', '99.8'], // 99.8 × 1 × 1.002 = 99.9996 ≤ 100
    ['buy', 100, '2', '10', '0', '4.99'], // 4.99 × 2 = 9.98 + fee 0.01996 = 9.99996 ≤ 10
    ['buy', 50, '0.0003', '1', '0', '1663.33'],
    ['buy', 100, '', '100', '0', null], // no price yet
    ['buy', 100, '5', '0.001', '0', null], // not even one lot
  ] as const)('%s %i%% at %s with $%s / %s tokens → %s', (side, percent, price, usd, tokens, expected) => {
    expect(quantityForPercent(percent, side, price, { usd_available: usd, tokens_available: tokens }, RULES)).toBe(expected);
  });

  it('never budgets more than the cash, fee included (exhaustive over small balances)', () => {
    for (let cents = 1; cents <= 400; cents += 7) {
      const usd = (cents / 100).toFixed(2);
      const q = quantityForPercent(100, 'buy', '0.37', { usd_available: usd, tokens_available: '0' }, RULES);
      if (q === null) continue;
      const e = estimate(draft({ quantity: q, price: '0.37' }), RULES, MARKET)!;
      expect(e.total_usd.lte(usd), `${q} at 0.37 with $${usd}`).toBe(true);
    }
  });

  it('refuses a percent outside 1..100', () => {
    expect(() => quantityForPercent(0, 'buy', '1', { usd_available: '1', tokens_available: '1' }, RULES)).toThrow(/percent/);
  });
});

describe('estimate', () => {
  it('buy: total is notional plus the taker fee floored to the micro', () => {
    const e = estimate(draft({ quantity: '3.33', price: '0.3333' }), RULES, MARKET)!;
    expect(e.notional_usd.toFixed()).toBe('1.109889');
    expect(e.fee_usd.toFixed()).toBe('0.002219'); // 0.0022197… floored
    expect(e.total_usd.toFixed()).toBe('1.112108');
    expect(e.liquidity).toBe('maker_or_taker');
  });
  it('sell: total is what at least arrives', () => {
    const e = estimate(draft({ side: 'sell', quantity: '10', price: '1.5' }), RULES, MARKET)!;
    expect(e.total_usd.toFixed()).toBe('14.97');
  });
  it('a crossing limit is a taker', () => {
    expect(estimate(draft({ price: '1.52' }), RULES, MARKET)!.liquidity).toBe('taker');
  });
  it('null while a field is not a number', () => {
    expect(estimate(draft({ quantity: 'abc' }), RULES, MARKET)).toBeNull();
  });
});

describe('wouldCross and warnings', () => {
  it.each([
    ['buy', '1.5100', true],
    ['buy', '1.5099', false],
    ['sell', '1.4900', true],
    ['sell', '1.4901', false],
  ] as const)('%s limit at %s crosses: %s', (side, price, crosses) => {
    expect(wouldCross({ side, type: 'limit', price }, MARKET)).toBe(crosses);
  });

  it('warns when the price is far from the market, saying how far', () => {
    expect(warnings(draft({ price: '1.8' }), MARKET).join(' ')).toMatch(/20\.0% above the market/);
    expect(warnings(draft({ price: '1.52' }), MARKET).join(' ')).toMatch(/crosses the book/);
    expect(warnings(draft({ price: '1.52', post_only: true }), MARKET).join(' ')).toMatch(/refuse/);
    expect(warnings(draft({ price: '1.5' }), MARKET)).toEqual([]);
  });

  it('warns when an order that must trade at once cannot reach the book (nothing would fill)', () => {
    const none = /nothing would fill now/;
    expect(warnings(draft({ type: 'market', time_in_force: 'IOC', price: '1.50' }), MARKET).join(' ')).toMatch(/worst price 1\.5 is below the best ask \(1\.5100\)/);
    expect(warnings(draft({ type: 'market', time_in_force: 'IOC', price: '1.51' }), MARKET).join(' ')).not.toMatch(none);
    expect(warnings(draft({ side: 'sell', type: 'market', time_in_force: 'FOK', price: '1.4901' }), MARKET).join(' ')).toMatch(/above the best bid \(1\.4900\)/);
    expect(warnings(draft({ time_in_force: 'IOC', price: '1.50' }), MARKET).join(' ')).toMatch(/Your price 1\.5 is below the best ask/);
    expect(warnings(draft({ time_in_force: 'GTC', price: '1.50' }), MARKET).join(' ')).not.toMatch(none); // it rests
    expect(warnings(draft({ type: 'market', time_in_force: 'IOC', price: '1.50' }), { best_bid: null, best_ask: null, last: null }).join(' ')).not.toMatch(none);
  });

  it('previews a sale at the price it is expected to fill at', () => {
    expect(expectedSellPrice({ type: 'limit', price: '1.3' }, MARKET)).toBe('1.4900'); // crosses: trades at the bid
    expect(expectedSellPrice({ type: 'limit', price: '1.6' }, MARKET)).toBe('1.6'); // rests at its limit
    expect(expectedSellPrice({ type: 'market', price: '1.2' }, MARKET)).toBe('1.4900');
    expect(expectedSellPrice({ type: 'limit', price: '' }, MARKET)).toBe('1.4900');
    expect(expectedSellPrice({ type: 'market', price: '1.2' }, { best_bid: null, best_ask: null, last: null })).toBe('1.2');
  });
});

describe('problems mirror the platform rules', () => {
  const bal = { usd_available: '100', tokens_available: '5' };
  it.each([
    [{ quantity: '' }, 'quantity', /Enter a quantity/],
    [{ quantity: '1.234' }, 'quantity', /lot size 0.01/],
    [{ quantity: '-1' }, 'quantity', /positive/],
    [{ quantity: '2000000' }, 'quantity', /most one order/],
    [{ price: '1.23456' }, 'price', /tick size 0.0001/],
    [{ price: '1001' }, 'price', /between 0.0001 and 1000/],
    [{ side: 'sell', quantity: '6' }, 'quantity', /5 tokens free/],
    [{ quantity: '100', price: '1' }, 'quantity', /needs \$100\.20 with the fee/],
    [{ time_in_force: 'GTD', good_till_ms: null }, 'good_till', /Choose the date/],
    [{ time_in_force: 'GTD', good_till_ms: NOW + 30_000 }, 'good_till', /a minute from now/],
    [{ send_within_hours: '0' }, 'send_within', /between 0 and 720/],
    [{ type: 'market', time_in_force: 'GTC' }, 'time_in_force', /market order/],
    [{ post_only: true, time_in_force: 'IOC' }, 'post_only', /rests in the book/],
  ] as const)('%o → %s', (over, field, message) => {
    const found = problems(draft(over as Partial<TicketDraft>), RULES, bal, NOW);
    expect(found.map((p) => p.field)).toContain(field);
    expect(found.find((p) => p.field === field)!.message).toMatch(message);
  });

  it('a good order has none', () => {
    expect(problems(draft(), RULES, bal, NOW)).toEqual([]);
  });
});

describe('buildOrder', () => {
  it('builds exactly the contract request, canonical decimals', () => {
    const o = buildOrder(draft({ quantity: '10.50', price: '1.5000', post_only: true }), NOW);
    expect(o).toEqual({
      side: 'buy',
      type: 'limit',
      quantity: '10.5',
      price: '1.5',
      time_in_force: 'GTC',
      post_only: true,
      expires_at: '2026-12-05T12:00:00.000Z',
    });
    expect(PlaceOrderInput.parse(o)).toEqual(o);
  });
  it('market: protection price, never post-only; GTD: the good-till time is the deadline', () => {
    expect(buildOrder(draft({ type: 'market', time_in_force: 'IOC', post_only: true }), NOW)).toMatchObject({ protection_price: '1.5', time_in_force: 'IOC' });
    expect(buildOrder(draft({ type: 'market', time_in_force: 'IOC', post_only: true }), NOW)).not.toHaveProperty('post_only');
    const gtd = buildOrder(draft({ time_in_force: 'GTD', good_till_ms: NOW + 7_200_000 }), NOW);
    expect(gtd.expires_at).toBe('2026-12-04T14:00:00.000Z');
  });
  it('throws on what the contract refuses', () => {
    expect(() => buildOrder(draft({ quantity: '1.234' }), NOW)).toThrow(/lot size/);
  });
});

describe('heldUsd: exact to the micro, never flattering beyond it', () => {
  it.each([
    ['0.007719', 'buy', '0.007719'], // 7 × 0.0011 + fee: exact, not "0.01"
    ['1.9960001', 'sell', '1.996'],
    ['1.9960001', 'buy', '1.996001'],
    ['2', 'sell', '2'],
  ] as const)('%s %s → %s', (x, side, out) => {
    expect(heldUsd(dec(x), side)).toBe(out);
  });
});

describe('chosen lots (specific identification)', () => {
  const sell = (lot_picks: Record<string, string>, quantity = '5') => draft({ side: 'sell', quantity, lot_picks });
  it('builds the lots into the order, canonical, blanks left out; never on a buy', () => {
    expect(buildOrder(sell({ a: '2.50', b: '', c: '2.5' }), NOW).lots).toEqual([{ lot_id: 'a', quantity: '2.5' }, { lot_id: 'c', quantity: '2.5' }]);
    expect(buildOrder(sell({}), NOW)).not.toHaveProperty('lots');
    expect(buildOrder(draft({ side: 'buy', lot_picks: { a: '5' } }), NOW)).not.toHaveProperty('lots');
  });
  it.each([
    [{ a: '2', b: '2' }, /add up to 4, not the quantity 5/],
    [{ a: '5.001' }, /multiple of 0.01/],
    [{ a: '-1', b: '6' }, /positive multiple/],
  ] as const)('%o → %s', (picks, message) => {
    const found = problems(sell(picks), RULES, { usd_available: '0', tokens_available: '100' }, NOW);
    expect(found.find((p) => p.field === 'lots')?.message).toMatch(message);
  });
  it('lots that add up are fine', () => {
    expect(problems(sell({ a: '2', b: '3' }), RULES, { usd_available: '0', tokens_available: '100' }, NOW)).toEqual([]);
  });
});
