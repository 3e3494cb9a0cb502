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
  /** The bid side of the live book, best first, [price, quantity]: the sale walks it as a
   *  market sell would. Absent or null: the depth is not known, and the sale is priced at the
   *  best bid alone (and says so). */
  bids?: readonly (readonly [string, string])[] | null;
  /** The highest price of the user's own resting buy orders: the platform never trades an
   *  account with itself (the taker's remainder is canceled there), so the sale stops above it. */
  own_best_bid_usd?: string | null;
}

/** The highest limit price among the user's buy orders resting on the book (theirs or placed
 *  elsewhere), null when none: where a sale of their own tokens would stop. */
export function ownBestBid(orders: readonly { side: 'buy' | 'sell'; price: string | null; state: string }[]): string | null {
  let best: Dec | null = null;
  for (const o of orders) {
    if (o.side !== 'buy' || o.price === null || (o.state !== 'open' && o.state !== 'partially_filled')) continue;
    const price = dec(o.price);
    if (best === null || price.gt(best)) best = price;
  }
  return best === null ? null : toCanonical(best);
}

/** Levels a sale walks at most (the platform's book snapshot depth is lower). */
const BIDS_WALKED_MAX = 1_000;

interface BookSale {
  sold: Dec;
  gross: Dec;
  levels: number;
  worst: Dec;
  /** The user's own bid that stopped the sale with tokens left, if one did. */
  stopped_at_own: Dec | null;
}

/** Selling `tokens` into `bids` (best first) as a market sell fills: level by level until
 *  the tokens or the bids run out. */
export function walkBids(tokens: Dec, bids: readonly (readonly [string, string])[], own_best_bid: Dec | null = null): BookSale {
  assert(bids.length <= BIDS_WALKED_MAX, `walkBids: ${bids.length} levels (at most ${BIDS_WALKED_MAX})`);
  let left = tokens;
  let gross = ZERO;
  let levels = 0;
  let worst = ZERO;
  let above: Dec | null = null;
  let stopped_at_own: Dec | null = null;
  for (const [price_text, quantity_text] of bids) {
    if (left.lte(0)) break;
    const price = dec(price_text);
    const quantity = dec(quantity_text);
    assert(price.gt(0) && quantity.gt(0), `walkBids: bad level ${price_text} × ${quantity_text}`);
    assert(above === null || price.lt(above), 'walkBids: bids must be best (highest) first');
    above = price;
    // At the level of the user's own bid the platform cancels the rest (who is ahead of it
    // there is not known here: none of that level is counted).
    if (own_best_bid !== null && price.lte(own_best_bid)) {
      stopped_at_own = own_best_bid;
      break;
    }
    const take = D.min(left, quantity);
    gross = gross.plus(take.times(price));
    left = left.minus(take);
    levels += 1;
    worst = price;
  }
  return { sold: tokens.minus(left), gross, levels, worst, stopped_at_own: left.gt(0) ? stopped_at_own : null };
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
  const depth = input.bids ?? null;
  if (input.bid_usd === null || (depth !== null && depth.length === 0)) sell_unavailable = 'No one is bidding for tokens right now.';
  else if (input.taker_fee_bps === null) sell_unavailable = "The platform's trading fee is not known yet (it is fetched when online).";
  else {
    const sale = sellOption(credits, input.bid_usd, depth, input.own_best_bid_usd ?? null, input.taker_fee_bps, mintTax);
    if (typeof sale === 'string') sell_unavailable = sale;
    else sell = sale;
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

/** Minted and sold at once into the bids (or at the best bid when the depth is not known). */
function sellOption(
  credits: Dec,
  best_bid_usd: string,
  depth: readonly (readonly [string, string])[] | null,
  own_best_bid_usd: string | null,
  taker_fee_bps: number,
  mintTax: DecisionTax,
): NonNullable<PeriodDecision['sell']> | string {
  const walked: BookSale =
    depth === null
      ? { sold: credits, gross: credits.times(dec(best_bid_usd)), levels: credits.isZero() ? 0 : 1, worst: dec(best_bid_usd), stopped_at_own: null }
      : walkBids(credits, depth, own_best_bid_usd === null ? null : dec(own_best_bid_usd));
  if (credits.gt(0) && walked.sold.isZero()) {
    return walked.stopped_at_own === null ? 'No one is bidding for tokens right now.' : `Your own buy order at $${walked.stopped_at_own.toFixed()} is the best bid, and the platform never trades you with yourself: a sale would fill nothing.`;
  }
  const unsold = credits.minus(walked.sold);
  // The platform rounds fees down to the micro.
  const fee = walked.gross.times(taker_fee_bps).div(10_000).toDecimalPlaces(USD_PLACES, D.ROUND_DOWN);
  const net = walked.gross.minus(fee);
  // The sold tokens' share of the mint basis; the unsold keep the rest.
  const basis = credits.isZero() ? ZERO : dec(mintTax.basis_usd).times(walked.sold).div(credits).toDecimalPlaces(USD_PLACES, D.ROUND_HALF_EVEN);
  const gain = net.minus(basis);
  const average = walked.sold.isZero() ? dec(best_bid_usd) : walked.gross.div(walked.sold).toDecimalPlaces(USD_PLACES, D.ROUND_HALF_EVEN);
  // (What the bids cannot take is said once, by the view and the recommendation.)
  const what = unsold.gt(0) ? `Selling the ${toCanonical(walked.sold)} the bids take` : 'Selling';
  return {
    bid_usd: best_bid_usd,
    depth_known: depth !== null,
    sold_tokens: toCanonical(walked.sold),
    unsold_tokens: toCanonical(unsold),
    levels_used: walked.levels,
    average_price_usd: toCanonical(average),
    lowest_price_usd: toCanonical(walked.levels === 0 ? dec(best_bid_usd) : walked.worst),
    stopped_at_own_bid_usd: walked.stopped_at_own === null ? null : toCanonical(walked.stopped_at_own),
    taker_fee_bps,
    gross_usd: usd(walked.gross),
    fee_usd: usd(fee),
    net_usd: usd(net),
    tax: { ...mintTax, basis_usd: usd(basis), capital_gain_usd: usd(gain), note: `${mintTax.note} ${what} at once is a short-term ${gain.isNegative() ? 'loss' : 'gain'} of ${cents(gain.abs())}.` },
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
  // What the book cannot take today is counted as nothing here: the comparison stays safe.
  const thin = dec(sell.unsold_tokens).gt(0) ? ` The bids take only ${sell.sold_tokens} of the tokens today; the rest would be held.` : '';
  if (net.gt(applied)) {
    return { election: 'mint', reason: `Mint: sold at today's bid they bring ${cents(net)} after fees, ${cents(net.minus(applied))} more than the ${cents(applied)} the renewal credit takes off.${floorNote}${thin}${incomeNote}` };
  }
  return { election: 'renewal_credit', reason: `Renewal credit: it takes ${cents(applied)} off your next renewal, ${net.eq(applied) ? 'as much as' : `${cents(applied.minus(net))} more than`} the ${cents(net)} minted tokens bring at today's bid after fees, with no income and no lot.${thin}` };
}
