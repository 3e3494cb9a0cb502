// The journal's detail for trades and order updates, read back from the stored platform event:
// table-driven, and anything that does not parse gives no detail (never a wrong one).
import { describe, expect, it } from 'vitest';
import { activityDetail } from '../../electron/app/activity-detail.js';

const base = { id: 'e1', seq: 7, account_id: 'a1', time: '2026-12-06T18:00:00.000Z' };
const fill = { ...base, type: 'fill', trade_id: 't1', order_id: 'o1', client_order_id: 'c1', side: 'buy', price_usd: '0.0306', quantity: '40', fee_usd: '0.002448', liquidity: 'taker' };
const order = { ...base, type: 'order', order_id: 'o1', client_order_id: 'c1', status: 'canceled', side: 'sell', order_type: 'limit', price_usd: '0.0343', quantity: '100', filled_quantity: '25', reason: 'canceled by user' };

describe('activityDetail', () => {
  const table: { name: string; type: string; data: unknown; want: unknown }[] = [
    { name: 'a fill: side, price, quantity, fee, liquidity', type: 'fill', data: fill, want: { kind: 'fill', side: 'buy', price_usd: '0.0306', quantity: '40', fee_usd: '0.002448', liquidity: 'taker' } },
    {
      name: 'an order update: side, type, price, quantities, status, reason',
      type: 'order',
      data: order,
      want: { kind: 'order', side: 'sell', order_type: 'limit', price_usd: '0.0343', quantity: '100', filled_quantity: '25', status: 'canceled', reason: 'canceled by user' },
    },
    { name: 'a market order has no price', type: 'order', data: { ...order, order_type: 'market', price_usd: null, status: 'filled', filled_quantity: '100', reason: null }, want: { kind: 'order', order_type: 'market', price_usd: null, status: 'filled' } },
    { name: 'a fill whose data does not parse: none', type: 'fill', data: { ...fill, price_usd: '-1' }, want: null },
    { name: 'an order with an unknown status: none', type: 'order', data: { ...order, status: 'halfway' }, want: null },
    { name: 'a reversal (its data is its reason): none', type: 'fill', data: 'reversed: duplicate', want: null },
    { name: 'other entry types: none', type: 'deposit', data: { ...base, type: 'deposit', amount_usd: '5' }, want: null },
  ];
  it.each(table)('$name', ({ type, data, want }) => {
    const got = activityDetail(type, data);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatchObject(want as object);
  });
});
