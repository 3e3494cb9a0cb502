// The compute period up front, as pure functions: this period's figures with the usage pace
// and the projected unused credits at close, and what those credits are worth as each of
// the three options (minted and sold at today's bid, minted and held, a renewal credit),
// each with its tax consequence under the user's mint basis policy and a plain
// recommendation. Exact decimals throughout (shared/money.ts); no clock, no I/O, so the
// same inputs always give the same answer (table-driven tests in test/compute/decision.test.ts).
import { D, dec, decFromInt, toCanonical, ZERO, type Dec } from '../money.js';
import type { DecisionTax, PeriodDecision, PeriodFigures } from '../contract/compute.js';
import { assert } from '../assert.js';
import { USD_PLACES } from '../contract/orders.js';

export type MintBasisPolicy = 'allocated' | 'fmv' | 'zero';

const DAY_MS = 86_400_000;
/** Below this much elapsed time a pace would be noise: none is given. */
export const PACE_MIN_ELAPSED_MS = 60_000;
/** Credits and tokens move in lots of 0.01. */
const LOT_PLACES = 2;

export interface PeriodInput {
  period_id: string;
  starts_at: string;
  ends_at: string;
  credits: string;
  used_credits: string;
  redeemed_credits: string;
  available_credits: string;
}

/** Allowance, used, redeemed, left, and the projection at the pace so far, as of `now_ms`. */
export function periodFigures(p: PeriodInput, now_ms: number): PeriodFigures {
  const start_ms = Date.parse(p.starts_at);
  const end_ms = Date.parse(p.ends_at);
  assert(Number.isFinite(start_ms) && Number.isFinite(end_ms) && end_ms > start_ms, `bad period bounds ${p.starts_at}..${p.ends_at}`);
  assert(Number.isSafeInteger(now_ms), `bad now ${now_ms}`);
  const left = dec(p.available_credits);
  const used = dec(p.used_credits);
  const at = Math.min(Math.max(now_ms, start_ms), end_ms);
  const elapsed_ms = at - start_ms;
  let pace: Dec | null = null;
  let projected = left;
  if (elapsed_ms >= PACE_MIN_ELAPSED_MS) {
    pace = used.times(DAY_MS).div(decFromInt(elapsed_ms));
    // Used at the same rate for the rest of the period; what is left cannot go below zero.
    const to_come = used.times(decFromInt(end_ms - at)).div(decFromInt(elapsed_ms));
    projected = D.max(ZERO, left.minus(to_come)).toDecimalPlaces(LOT_PLACES, D.ROUND_DOWN);
  }
  return {
    period_id: p.period_id,
    allowance_credits: toCanonical(dec(p.credits)),
    used_credits: toCanonical(used),
    redeemed_credits: toCanonical(dec(p.redeemed_credits)),
    left_credits: toCanonical(left),
    starts_at: p.starts_at,
    ends_at: p.ends_at,
    pace_credits_per_day: pace === null ? null : toCanonical(pace.toDecimalPlaces(LOT_PLACES, D.ROUND_HALF_EVEN)),
    projected_unused_credits: toCanonical(projected),
    as_of: new Date(now_ms).toISOString(),
  };
}

export interface DecisionInput {
  /** Unused credits to decide for (1 token per credit when minted). */
  credits: string;
  plan: { price_usd: string; credits: string; face_value_usd: string; min_charge_usd: string };
  /** Today's best bid and last trade; null when there is none. */
  bid_usd: string | null;
  last_usd: string | null;
  /** The platform's taker fee (a sale into the bid takes liquidity); null when not known. */
  taker_fee_bps: number | null;
  mint_basis: MintBasisPolicy;
}

const usd = (x: Dec) => toCanonical(x.toDecimalPlaces(USD_PLACES, D.ROUND_HALF_EVEN));
const cents = (x: Dec) => `$${x.toFixed(2, D.ROUND_HALF_UP)}`;

/** The three options side by side, each with its tax consequence, and a recommendation with its reason. */
export function periodDecision(input: DecisionInput): PeriodDecision {
  const credits = dec(input.credits);
  assert(credits.gte(0), `negative credits ${input.credits}`);
  assert(input.taker_fee_bps === null || (Number.isInteger(input.taker_fee_bps) && input.taker_fee_bps >= 0 && input.taker_fee_bps <= 10_000), `bad fee ${input.taker_fee_bps}`);
  const face = dec(input.plan.face_value_usd);
  // As the platform values credits at close: credits × plan price / included credits, to micros.
  const credit_value = credits.times(dec(input.plan.price_usd)).div(dec(input.plan.credits)).toDecimalPlaces(USD_PLACES, D.ROUND_HALF_EVEN);
  // The market value at mint: the last trade, or face value before the first trade (as the platform does).
  const market = input.last_usd === null ? null : dec(input.last_usd);
  const fmv_at_mint = credits.times(market ?? face);
  const mintTax = mintConsequence(input.mint_basis, credit_value, fmv_at_mint);

  const renewal = renewalOption(input, credit_value);
  let sell: PeriodDecision['sell'] = null;
  let sell_unavailable: string | null = null;
  if (input.bid_usd === null) sell_unavailable = 'No one is bidding for tokens right now.';
  else if (input.taker_fee_bps === null) sell_unavailable = "The platform's trading fee is not known yet (it is fetched when online).";
  else {
    const gross = credits.times(dec(input.bid_usd));
    // The platform rounds fees down to the micro.
    const fee = gross.times(input.taker_fee_bps).div(10_000).toDecimalPlaces(USD_PLACES, D.ROUND_DOWN);
    const net = gross.minus(fee);
    const gain = net.minus(dec(mintTax.basis_usd));
    sell = {
      bid_usd: input.bid_usd,
      taker_fee_bps: input.taker_fee_bps,
      gross_usd: usd(gross),
      fee_usd: usd(fee),
      net_usd: usd(net),
      tax: { ...mintTax, capital_gain_usd: usd(gain), note: `${mintTax.note} Selling at once is a short-term ${gain.isNegative() ? 'loss' : 'gain'} of ${cents(gain.abs())}.` },
    };
  }
  const hold = {
    tokens: toCanonical(credits),
    face_value_usd: input.plan.face_value_usd,
    value_at_face_usd: usd(credits.times(face)),
    market_price_usd: input.last_usd,
    value_at_market_usd: market === null ? null : usd(credits.times(market)),
    tax: { ...mintTax, note: `${mintTax.note} Nothing more until you sell or redeem (redeeming is a sale at the market price).` },
  };
  return {
    credits: toCanonical(credits),
    mint_basis: input.mint_basis,
    sell,
    sell_unavailable,
    hold,
    renewal,
    recommendation: recommend(credits, sell, renewal, mintTax),
  };
}

function mintConsequence(policy: MintBasisPolicy, allocated: Dec, fmv: Dec): DecisionTax {
  switch (policy) {
    case 'allocated':
      return { ordinary_income_usd: '0', basis_usd: usd(allocated), capital_gain_usd: null, note: `Minting is no income; the tokens' basis is the ${cents(allocated)} of subscription cost allocated to them.` };
    case 'fmv':
      return { ordinary_income_usd: usd(fmv), basis_usd: usd(fmv), capital_gain_usd: null, note: `Minting is ${cents(fmv)} of ordinary income (market value at mint), which becomes the tokens' basis.` };
    case 'zero':
      return { ordinary_income_usd: '0', basis_usd: '0', capital_gain_usd: null, note: 'Minting is no income; the tokens have zero basis.' };
  }
}

function renewalOption(input: DecisionInput, credit_value: Dec): PeriodDecision['renewal'] {
  const price = dec(input.plan.price_usd);
  const floor = dec(input.plan.min_charge_usd);
  assert(price.gt(floor), 'plan price must exceed its minimum charge');
  const uncapped = price.minus(credit_value);
  const next = D.max(uncapped, floor);
  const applied = price.minus(next);
  const lost = credit_value.minus(applied);
  assert(applied.gte(0) && lost.gte(0) && next.gte(floor), 'renewal credit arithmetic');
  return {
    plan_price_usd: input.plan.price_usd,
    credit_value_usd: usd(credit_value),
    floor_usd: input.plan.min_charge_usd,
    uncapped_next_price_usd: usd(uncapped),
    next_price_usd: usd(next),
    credit_applied_usd: usd(applied),
    lost_above_floor_usd: usd(lost),
    tax: { ordinary_income_usd: '0', basis_usd: '0', capital_gain_usd: null, note: 'A price reduction: no income, and no tokens (no lot) are created.' },
  };
}

function recommend(credits: Dec, sell: PeriodDecision['sell'], renewal: PeriodDecision['renewal'], mintTax: DecisionTax): PeriodDecision['recommendation'] {
  if (credits.isZero()) return { election: null, reason: 'No unused credits are expected at close: there is nothing to mint or credit.' };
  const applied = dec(renewal.credit_applied_usd);
  const lost = dec(renewal.lost_above_floor_usd);
  const floorNote = lost.gt(0) ? ` The renewal credit would lose ${cents(lost)}: the price cannot go below the ${cents(dec(renewal.floor_usd))} minimum charge and the excess is not refunded.` : '';
  const income = dec(mintTax.ordinary_income_usd);
  const incomeNote = income.gt(0) ? ` Under your basis policy the mint is ${cents(income)} of ordinary income.` : '';
  if (sell === null) {
    if (lost.gt(0)) return { election: 'mint', reason: `Mint: the tokens keep the full value of the credits, which a renewal credit cannot.${floorNote} There is no bid to sell into today, so they would be held.${incomeNote}` };
    return { election: 'renewal_credit', reason: `Renewal credit: it takes ${cents(applied)} off your next renewal for certain, with no income and no lot; there is no bid to sell minted tokens into today.` };
  }
  const net = dec(sell.net_usd);
  if (net.gt(applied)) {
    return { election: 'mint', reason: `Mint: sold at today's bid they bring ${cents(net)} after fees, ${cents(net.minus(applied))} more than the ${cents(applied)} the renewal credit takes off.${floorNote}${incomeNote}` };
  }
  return { election: 'renewal_credit', reason: `Renewal credit: it takes ${cents(applied)} off your next renewal, ${net.eq(applied) ? 'as much as' : `${cents(applied.minus(net))} more than`} the ${cents(net)} minted tokens bring at today's bid after fees, with no income and no lot.` };
}
