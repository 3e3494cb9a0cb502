// The period figures and the mint-or-renewal-credit decision, table-driven: inputs → the
// values a user would see. The standard plan: $20 for 1,000 credits (face $0.02), minimum
// charge $0.01. Expected values worked by hand from the domain notes.
import { describe, expect, it } from 'vitest';
import { periodDecision, periodFigures, type DecisionInput } from '../../shared/compute/decision.js';
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
