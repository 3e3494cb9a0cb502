// The period figures and the mint-or-renewal-credit decision, table-driven: inputs → the
// values a user would see. The standard plan: $20 for 1,000 credits (face $0.02), minimum
// charge $0.01. Expected values worked by hand from the domain notes.
import { describe, expect, it } from 'vitest';
import { ownBestBid, periodDecision, periodFigures, walkBids, type DecisionInput } from '../../shared/compute/decision.js';
import { dec } from '../../shared/money.js';
import { PeriodDecision, PeriodFigures } from '../../shared/contract/compute.js';

const PLAN = { price_usd: '20', credits: '1000', face_value_usd: '0.02', min_charge_usd: '0.01' };
const base: DecisionInput = { credits: '300', plan: PLAN, bid_usd: '0.025', last_usd: '0.026', taker_fee_bps: 20, mint_basis: 'allocated' };

describe('periodDecision: the three options and the recommendation', () => {
  const table: { name: string; input: Partial<DecisionInput>; expect: Record<string, unknown> }[] = [
    {
      name: 'bid above face (allocated basis): minting and selling beats the credit',
      input: {},
      expect: {
        'sell.gross_usd': '7.5', 'sell.fee_usd': '0.015', 'sell.net_usd': '7.485', 'sell.tax.basis_usd': '6', 'sell.tax.capital_gain_usd': '1.485', 'sell.tax.ordinary_income_usd': '0',
        'hold.value_at_face_usd': '6', 'hold.value_at_market_usd': '7.8',
        'renewal.credit_value_usd': '6', 'renewal.next_price_usd': '14', 'renewal.credit_applied_usd': '6', 'renewal.lost_above_floor_usd': '0', 'renewal.floor_usd': '0.01',
        'recommendation.election': 'mint',
      },
    },
    {
      name: 'bid below face (fmv basis): the credit beats a sale; the mint would be income',
      input: { bid_usd: '0.015', last_usd: '0.016', mint_basis: 'fmv' },
      expect: {
        'sell.net_usd': '4.491', 'sell.fee_usd': '0.009', 'sell.tax.ordinary_income_usd': '4.8', 'sell.tax.basis_usd': '4.8', 'sell.tax.capital_gain_usd': '-0.309',
        'hold.tax.ordinary_income_usd': '4.8', 'hold.value_at_market_usd': '4.8',
        'renewal.next_price_usd': '14', 'renewal.credit_applied_usd': '6',
        'recommendation.election': 'renewal_credit',
      },
    },
    {
      name: 'the floor: all 1,000 credits unused take the renewal to the $0.01 minimum, not to zero',
      input: { credits: '1000', bid_usd: '0.019', mint_basis: 'zero' },
      expect: {
        'renewal.credit_value_usd': '20', 'renewal.uncapped_next_price_usd': '0', 'renewal.next_price_usd': '0.01', 'renewal.credit_applied_usd': '19.99', 'renewal.lost_above_floor_usd': '0.01',
        'sell.gross_usd': '19', 'sell.fee_usd': '0.038', 'sell.net_usd': '18.962', 'sell.tax.basis_usd': '0', 'sell.tax.capital_gain_usd': '18.962',
        'recommendation.election': 'renewal_credit',
      },
    },
    {
      name: 'renewal below zero: credits worth more than the renewal (redeemed tokens added 200) cost $4.01 above the floor',
      input: { credits: '1200', bid_usd: '0.018', mint_basis: 'zero' },
      expect: {
        'renewal.credit_value_usd': '24', 'renewal.uncapped_next_price_usd': '-4', 'renewal.next_price_usd': '0.01', 'renewal.credit_applied_usd': '19.99', 'renewal.lost_above_floor_usd': '4.01',
        'sell.gross_usd': '21.6', 'sell.fee_usd': '0.0432', 'sell.net_usd': '21.5568',
        'recommendation.election': 'mint',
      },
    },
    {
      name: 'no bid and credits above the renewal: mint and hold (nothing lost), fmv at face before any trade',
      input: { credits: '1200', bid_usd: null, last_usd: null, mint_basis: 'fmv' },
      expect: { sell: null, 'hold.value_at_market_usd': null, 'hold.market_price_usd': null, 'hold.tax.ordinary_income_usd': '24', 'renewal.lost_above_floor_usd': '4.01', 'recommendation.election': 'mint' },
    },
    {
      name: 'no bid, nothing lost to the floor: the certain renewal credit',
      input: { credits: '100', bid_usd: null, last_usd: '0.03' },
      expect: { sell: null, 'hold.value_at_market_usd': '3', 'renewal.credit_applied_usd': '2', 'renewal.next_price_usd': '18', 'recommendation.election': 'renewal_credit' },
    },
    {
      name: 'a tie (no fee, bid at face) goes to the credit: no income, no lot',
      input: { credits: '100', bid_usd: '0.02', taker_fee_bps: 0 },
      expect: { 'sell.net_usd': '2', 'renewal.credit_applied_usd': '2', 'recommendation.election': 'renewal_credit' },
    },
    {
      name: 'fee not known yet: no sale figure, said why',
      input: { taker_fee_bps: null },
      expect: { sell: null, sell_unavailable: "The platform's trading fee is not known yet (it is fetched when online).", 'recommendation.election': 'renewal_credit' },
    },
    {
      name: 'depth unknown: priced at the best bid alone, and marked so',
      input: {},
      expect: { 'sell.depth_known': false, 'sell.sold_tokens': '300', 'sell.unsold_tokens': '0', 'sell.levels_used': 1, 'sell.average_price_usd': '0.025' },
    },
    {
      name: 'the sale walks the book: 100 at 0.026, 150 at 0.025, 50 at 0.02 (a market sell, not all at the best bid)',
      input: { bids: [['0.026', '100'], ['0.025', '150'], ['0.02', '500']] },
      expect: {
        'sell.depth_known': true, 'sell.bid_usd': '0.025', 'sell.levels_used': 3, 'sell.lowest_price_usd': '0.02', 'sell.average_price_usd': '0.0245',
        'sell.sold_tokens': '300', 'sell.unsold_tokens': '0', 'sell.gross_usd': '7.35', 'sell.fee_usd': '0.0147', 'sell.net_usd': '7.3353',
        'sell.tax.basis_usd': '6', 'sell.tax.capital_gain_usd': '1.3353', 'recommendation.election': 'mint',
      },
    },
    {
      name: 'a thin book: the bids take 100 of 300; the sale counts only those, with their share of the basis',
      input: { bids: [['0.03', '100']] },
      expect: {
        'sell.sold_tokens': '100', 'sell.unsold_tokens': '200', 'sell.levels_used': 1, 'sell.gross_usd': '3', 'sell.fee_usd': '0.006', 'sell.net_usd': '2.994',
        'sell.tax.basis_usd': '2', 'sell.tax.capital_gain_usd': '0.994', 'recommendation.election': 'renewal_credit',
      },
    },
    {
      name: 'a live book with no bids: no sale, said why',
      input: { bids: [] },
      expect: { sell: null, sell_unavailable: 'No one is bidding for tokens right now.', 'recommendation.election': 'renewal_credit' },
    },
    {
      name: 'nothing unused: nothing to decide',
      input: { credits: '0' },
      expect: { 'sell.net_usd': '0', 'renewal.credit_applied_usd': '0', 'renewal.next_price_usd': '20', 'recommendation.election': null },
    },
  ];

  it.each(table)('$name', ({ input, expect: want }) => {
    const out = periodDecision({ ...base, ...input });
    expect(PeriodDecision.safeParse(out).success).toBe(true);
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, k.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown> | null)?.[part], out)]));
    expect(got).toEqual(want);
  });

  it('says why, in amounts, and mentions the floor loss and the income', () => {
    expect(periodDecision(base).recommendation.reason).toBe("Mint: sold at today's bid they bring $7.49 after fees, $1.49 more than the $6.00 the renewal credit takes off.");
    const below = periodDecision({ ...base, credits: '1200', bid_usd: '0.018', mint_basis: 'fmv' }).recommendation.reason;
    expect(below).toContain('lose $4.01');
    expect(below).toContain('$0.01 minimum charge');
    expect(below).toContain('$31.20 of ordinary income'); // 1,200 × $0.026
    expect(periodDecision({ ...base, bid_usd: '0.015' }).recommendation.reason).toBe(
      "Renewal credit: it takes $6.00 off your next renewal, $1.51 more than the $4.49 minted tokens bring at today's bid after fees, with no income and no lot.",
    );
  });

  it('a thin book is said in the sale note and in the reason', () => {
    const thin = periodDecision({ ...base, credits: '300', bid_usd: '0.05', bids: [['0.05', '200']] });
    expect(thin.sell?.tax.note).toMatch(/Selling the 200 the bids take at once is a short-term gain of \$5\.98\.$/); // $9.98 − 200/300 of the $6.00 basis
    expect(thin.recommendation.reason).toBe("Mint: sold at today's bid they bring $9.98 after fees, $3.98 more than the $6.00 the renewal credit takes off. The bids take only 200 of the tokens today; the rest would be held.");
  });

  it('the sale stops above the user\'s own bid (the platform never trades an account with itself)', () => {
    const bids: [string, string][] = [['0.026', '100'], ['0.025', '150'], ['0.02', '500']];
    const stopped = periodDecision({ ...base, bids, own_best_bid_usd: '0.025' });
    expect(stopped.sell).toMatchObject({ sold_tokens: '100', unsold_tokens: '200', levels_used: 1, stopped_at_own_bid_usd: '0.025', gross_usd: '2.6' });
    // An own bid below where the sale ends changes nothing.
    expect(periodDecision({ ...base, bids, own_best_bid_usd: '0.01' }).sell).toMatchObject({ sold_tokens: '300', stopped_at_own_bid_usd: null, gross_usd: '7.35' });
    // The own bid is the best: nothing would fill, and it says why.
    const none = periodDecision({ ...base, bids, own_best_bid_usd: '0.026' });
    expect(none.sell).toBeNull();
    expect(none.sell_unavailable).toBe('Your own buy order at $0.026 is the best bid, and the platform never trades you with yourself: a sale would fill nothing.');
    expect(PeriodDecision.safeParse(none).success).toBe(true);
  });

  it('ownBestBid: the highest resting buy, placed here or elsewhere; sells and finished orders do not count', () => {
    expect(
      ownBestBid([
        { side: 'buy', price: '0.02', state: 'open' },
        { side: 'buy', price: '0.0275', state: 'partially_filled' },
        { side: 'buy', price: '0.03', state: 'canceled' },
        { side: 'buy', price: '0.04', state: 'queued' },
        { side: 'sell', price: '0.05', state: 'open' },
        { side: 'buy', price: null, state: 'open' },
      ]),
    ).toBe('0.0275');
    expect(ownBestBid([])).toBeNull();
  });

  it('walkBids refuses a book that is not best first or has a bad level', () => {
    expect(() => walkBids(dec('10'), [['0.02', '5'], ['0.03', '5']])).toThrow(/best \(highest\) first/);
    expect(() => walkBids(dec('10'), [['0.02', '0']])).toThrow(/bad level/);
    expect(walkBids(dec('10'), [['0.03', '4'], ['0.02', '4']])).toMatchObject({ levels: 2 });
    expect(walkBids(dec('10'), [['0.03', '4'], ['0.02', '4']]).sold.toFixed()).toBe('8');
  });

  it('each option states its tax consequence under the policy', () => {
    expect(periodDecision({ ...base, mint_basis: 'allocated' }).hold.tax.note).toMatch(/^Minting is no income; the tokens' basis is the \$6\.00/);
    expect(periodDecision({ ...base, mint_basis: 'fmv' }).hold.tax.note).toMatch(/^Minting is \$7\.80 of ordinary income/);
    expect(periodDecision({ ...base, mint_basis: 'zero' }).sell?.tax.note).toMatch(/zero basis.*short-term gain of \$7\.49/);
    expect(periodDecision(base).renewal.tax).toEqual({ ordinary_income_usd: '0', basis_usd: '0', capital_gain_usd: null, note: 'A price reduction: no income, and no tokens (no lot) are created.' });
  });

  it('refuses impossible input instead of answering', () => {
    expect(() => periodDecision({ ...base, credits: '-1' })).toThrow(/negative credits/);
    expect(() => periodDecision({ ...base, credits: '1e3' })).toThrow(/not a decimal string/);
    expect(() => periodDecision({ ...base, taker_fee_bps: 1.5 })).toThrow(/bad fee/);
    expect(() => periodDecision({ ...base, plan: { ...PLAN, min_charge_usd: '20' } })).toThrow(/minimum charge/);
  });
});

describe('periodFigures: allowance, used, redeemed, left, pace and projection', () => {
  const period = { period_id: 'p1', starts_at: '2026-01-01T00:00:00.000Z', ends_at: '2026-01-31T00:00:00.000Z', credits: '1000', used_credits: '100', redeemed_credits: '50', available_credits: '950' };
  const day = (d: number, h = 0) => Date.parse('2026-01-01T00:00:00.000Z') + d * 86_400_000 + h * 3_600_000;
  const table: { name: string; period: Partial<typeof period>; now: number; pace: string | null; projected: string }[] = [
    { name: '10 days in, 100 used: 10 a day, 200 more to come', period: {}, now: day(10), pace: '10', projected: '750' },
    { name: 'in the first minute there is no pace: all that is left', period: {}, now: day(0) + 30_000, pace: null, projected: '950' },
    { name: 'a pace that uses it all: none left, never negative', period: { used_credits: '600', available_credits: '450' }, now: day(10), pace: '60', projected: '0' },
    { name: 'after the end: what is left is what is unused', period: {}, now: day(40), pace: '3.33', projected: '950' },
    { name: 'rounding: pace to cents, projection down to the lot', period: { used_credits: '10', available_credits: '1040' }, now: day(7), pace: '1.43', projected: '1007.14' },
  ];
  it.each(table)('$name', ({ period: change, now, pace, projected }) => {
    const f = periodFigures({ ...period, ...change }, now);
    expect(PeriodFigures.safeParse(f).success).toBe(true);
    expect({ pace: f.pace_credits_per_day, projected: f.projected_unused_credits }).toEqual({ pace, projected });
  });

  it('carries the period figures through as they are', () => {
    expect(periodFigures(period, day(10))).toEqual({
      period_id: 'p1', allowance_credits: '1000', used_credits: '100', redeemed_credits: '50', left_credits: '950',
      starts_at: period.starts_at, ends_at: period.ends_at, pace_credits_per_day: '10', projected_unused_credits: '750', as_of: '2026-01-11T00:00:00.000Z',
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => periodFigures({ ...period, ends_at: period.starts_at }, day(1))).toThrow(/bad period bounds/);
  });
});
