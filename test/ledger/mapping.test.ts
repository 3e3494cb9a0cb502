// The chart of accounts in action: each event type's journal entry.
import { describe, expect, it } from 'vitest';
import { fromScaled } from '../../electron/services/ledger/amounts.js';
import { accountName } from '../../electron/services/ledger/chart.js';
import { postingsFor } from '../../electron/services/ledger/mapping.js';
import type { AccountEvent } from '../../shared/platform/events.js';

const base = { id: 'e1', seq: 1, account_id: 'a', time: '2026-01-01T00:00:00Z' };
const view = (e: AccountEvent) =>
  Object.fromEntries(postingsFor(e).map((p) => [`${accountName(p.account_id)} ${p.commodity}`, fromScaled(p.amount)]));

describe('event → journal entry', () => {
  it('fill buy: tokens in, notional and fee out of USD, fee to expenses', () => {
    expect(view({ ...base, type: 'fill', trade_id: 't', order_id: 'o', client_order_id: 'c', side: 'buy', price_usd: '1.2345', quantity: '2.5', fee_usd: '0.006173', liquidity: 'taker' })).toEqual({
      'assets:exchange:token TOKEN': '2.5',
      'equity:trading TOKEN': '-2.5',
      'assets:exchange:usd USD': '-3.092423',
      'equity:trading USD': '3.08625',
      'expenses:fees USD': '0.006173',
    });
  });

  it('fill sell: tokens out, notional in net of the fee', () => {
    expect(view({ ...base, type: 'fill', trade_id: 't', order_id: 'o', client_order_id: 'c', side: 'sell', price_usd: '2', quantity: '3', fee_usd: '0.01', liquidity: 'maker' })).toEqual({
      'assets:exchange:token TOKEN': '-3',
      'equity:trading TOKEN': '3',
      'assets:exchange:usd USD': '5.99',
      'equity:trading USD': '-6',
      'expenses:fees USD': '0.01',
    });
  });

  it('period_open, usage, mint, renewal_credit, redemption, deposit, withdrawal, fee', () => {
    expect(view({ ...base, type: 'period_open', period_id: 'p', plan_id: 'pl', price_usd: '20', credits: '5000', face_value_usd: '0.004', starts_at: base.time, ends_at: base.time })).toEqual({
      'assets:credits CREDIT': '5000', 'equity:subscription CREDIT': '-5000', 'expenses:subscription USD': '20', 'equity:external USD': '-20',
    });
    expect(view({ ...base, type: 'usage', period_id: 'p', credits: '12.5' })).toEqual({ 'expenses:usage CREDIT': '12.5', 'assets:credits CREDIT': '-12.5' });
    expect(view({ ...base, type: 'mint', period_id: 'p', tokens: '387.5', face_value_usd: '0.004', market_price_usd: '0.005', allocated_cost_usd: '1.55' })).toEqual({
      'equity:conversion CREDIT': '387.5', 'assets:credits CREDIT': '-387.5', 'assets:exchange:token TOKEN': '387.5', 'equity:conversion TOKEN': '-387.5',
    });
    expect(view({ ...base, type: 'renewal_credit', period_id: 'p', credits: '10', credit_usd: '0.04', forfeited_usd: '0', next_price_usd: '19.96' })).toEqual({
      'equity:renewal_credit CREDIT': '10', 'assets:credits CREDIT': '-10',
    });
    expect(view({ ...base, type: 'redemption', period_id: 'p', tokens: '4', credits: '4', market_price_usd: '0.005' })).toEqual({
      'equity:conversion TOKEN': '4', 'assets:exchange:token TOKEN': '-4', 'assets:credits CREDIT': '4', 'equity:conversion CREDIT': '-4',
    });
    expect(view({ ...base, type: 'deposit', amount_usd: '100' })).toEqual({ 'assets:exchange:usd USD': '100', 'equity:external USD': '-100' });
    expect(view({ ...base, type: 'withdrawal', amount_usd: '40' })).toEqual({ 'equity:external USD': '40', 'assets:exchange:usd USD': '-40' });
    expect(view({ ...base, type: 'fee', amount_usd: '1', reason: 'withdrawal fee' })).toEqual({ 'expenses:fees USD': '1', 'assets:exchange:usd USD': '-1' });
  });

  it('memo events have no postings; a free period has no USD posting', () => {
    expect(postingsFor({ ...base, type: 'period_close', period_id: 'p', unused_credits: '3', election: 'mint' })).toEqual([]);
    expect(postingsFor({ ...base, type: 'election', period_id: 'p', election: 'mint' })).toEqual([]);
    expect(view({ ...base, type: 'period_open', period_id: 'p', plan_id: 'pl', price_usd: '0', credits: '1', face_value_usd: '0.004', starts_at: base.time, ends_at: base.time })).toEqual({
      'assets:credits CREDIT': '1', 'equity:subscription CREDIT': '-1',
    });
  });

  it('refuses what cannot be recorded exactly', () => {
    expect(() => postingsFor({ ...base, type: 'deposit', amount_usd: '0.000000001' })).toThrow(/more than 8 fractional digits/);
    expect(() => postingsFor({ ...base, type: 'fill', trade_id: 't', order_id: 'o', client_order_id: 'c', side: 'buy', price_usd: '0.00001', quantity: '0.0001', fee_usd: '0', liquidity: 'maker' })).toThrow(/notional needs more than 8/);
  });
});
