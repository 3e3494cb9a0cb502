// The order ticket's arithmetic and rules, pure and exact (decimal strings, never JS number
// arithmetic on amounts). It mirrors what the platform checks (tick, lot, price range, size,
// balance with the fee budgeted) so the user learns of a problem while typing, and it builds
// the one PlaceOrderInput that the confirmation shows and the API receives.
import { D, dec, decFromInt, toCanonical, type Dec } from '../../../../shared/money';
import { PlaceOrderInput, USD_PLACES } from '../../../../shared/contract/orders';

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
export type TimeInForce = 'GTC' | 'GTD' | 'IOC' | 'FOK';

/** The market's rules, as the platform's instrument states them. */
export interface TicketRules {
  tick_size: string;
  lot_size: string;
  min_price: string;
  max_price: string;
  max_quantity: string;
  maker_fee_bps: number;
  taker_fee_bps: number;
}

/** What the user typed, as text (an input's value). */
export interface TicketDraft {
  side: Side;
  type: OrderType;
  quantity: string;
  /** Limit price, or for a market order the worst price accepted. */
  price: string;
  time_in_force: TimeInForce;
  post_only: boolean;
  /** Not GTD: the order is never sent after this many hours (the offline queue's deadline). */
  send_within_hours: string;
  /** GTD: the order leaves the book at this time (ms since the epoch), and is never sent after it. */
  good_till_ms: number | null;
  /** A sell's chosen lots (specific identification), by held lot id → tokens typed; empty: the method in force. */
  lot_picks?: Record<string, string>;
}

export interface Balances {
  usd_available: string;
  tokens_available: string;
}

export interface MarketNow {
  best_bid: string | null;
  best_ask: string | null;
  last: string | null;
}

export interface FieldProblem {
  field: 'quantity' | 'price' | 'time_in_force' | 'good_till' | 'send_within' | 'post_only' | 'lots' | 'order';
  message: string;
}

/** A price further than this from the market gets a warning (fat-finger check). */
export const FAR_FROM_MARKET_RATIO = '0.10';
/** Longest a queued order may wait to be sent. */
export const SEND_WITHIN_HOURS_MAX = 24 * 30;
export const PERCENT_CHOICES = [25, 50, 75, 100] as const;

/** Plain non-negative decimal text, as typed in the ticket (no sign, no exponent). */
export const isDecimalText = (s: string) => /^(0|[1-9]\d*)(\.\d+)?$/.test(s);
const isMultiple = (x: Dec, step: string) => x.mod(dec(step)).isZero();

/** The taker fee (the most an order can pay) on a notional, floored to the micro as the platform does. */
export function takerFee(notional: Dec, taker_fee_bps: number): Dec {
  return notional.mul(taker_fee_bps).div(10_000).toDecimalPlaces(USD_PLACES, D.ROUND_DOWN);
}

/** Floors a quantity to the lot step. */
export function floorToLot(x: Dec, lot_size: string): Dec {
  const lot = dec(lot_size);
  return x.div(lot).floor().mul(lot);
}

/**
 * The quantity for `percent` of what the user can trade: a sell takes that share of the free
 * tokens; a buy spends that share of the free cash at `price`, with the taker fee budgeted, so
 * the order the platform reserves for is never more than the cash. Floored to the lot.
 */
export function quantityForPercent(percent: number, side: Side, price: string, balances: Balances, rules: TicketRules): string | null {
  if (!Number.isInteger(percent) || percent <= 0 || percent > 100) throw new Error(`percent out of range: ${percent}`);
  if (side === 'sell') {
    const tokens = dec(balances.tokens_available);
    if (tokens.lte(0)) return null;
    return toCanonical(floorToLot(tokens.mul(percent).div(100), rules.lot_size));
  }
  if (!isDecimalText(price) || dec(price).lte(0)) return null;
  const cash = dec(balances.usd_available).mul(percent).div(100);
  if (cash.lte(0)) return null;
  // notional × (1 + fee) ≤ cash; the micro rounding of the fee only makes the reserve smaller.
  const per_token = dec(price).mul(decFromInt(10_000 + rules.taker_fee_bps).div(10_000));
  let q = floorToLot(cash.div(per_token), rules.lot_size);
  // Guard the rounding edge: step down while the reserve would exceed the cash.
  while (q.gt(0) && q.mul(dec(price)).plus(takerFee(q.mul(dec(price)), rules.taker_fee_bps)).gt(cash)) q = q.minus(dec(rules.lot_size));
  return q.gt(0) ? toCanonical(q) : null;
}

export interface Estimate {
  notional_usd: Dec;
  /** At the taker rate: the most the order can pay (a resting maker fill pays less). */
  fee_usd: Dec;
  /** Buy: notional + fee (what is held back); sell: notional − fee (what at least arrives). */
  total_usd: Dec;
  liquidity: 'taker' | 'maker_or_taker';
}

/**
 * An amount as the platform holds it, in micros; never flattering where it has more places: a
 * buy's total rounds up, a sale's "at least" rounds down. Canonical text (no trailing zeros).
 */
export function heldUsd(x: Dec, side: Side): string {
  return x.toDecimalPlaces(USD_PLACES, side === 'buy' ? D.ROUND_UP : D.ROUND_DOWN).toFixed();
}

/** Notional, fee and total of the draft at its price, or null while quantity or price are not numbers. */
export function estimate(d: TicketDraft, rules: TicketRules, market: MarketNow): Estimate | null {
  if (!isDecimalText(d.quantity) || !isDecimalText(d.price)) return null;
  const notional = dec(d.quantity).mul(dec(d.price));
  const fee = takerFee(notional, rules.taker_fee_bps);
  const crosses = wouldCross(d, market);
  return {
    notional_usd: notional,
    fee_usd: fee,
    total_usd: d.side === 'buy' ? notional.plus(fee) : notional.minus(fee),
    liquidity: d.type === 'market' || crosses ? 'taker' : 'maker_or_taker',
  };
}

/** A limit buy at or above the best ask (a sell at or below the best bid) trades at once. */
export function wouldCross(d: Pick<TicketDraft, 'side' | 'type' | 'price'>, market: MarketNow): boolean {
  if (d.type === 'market') return true;
  return reachesBook(d, market);
}

/** The price (a limit, or a market order's worst price) reaches the best opposite price of the book. */
function reachesBook(d: Pick<TicketDraft, 'side' | 'price'>, market: MarketNow): boolean {
  if (!isDecimalText(d.price)) return false;
  const p = dec(d.price);
  if (d.side === 'buy') return market.best_ask !== null && p.gte(dec(market.best_ask));
  return market.best_bid !== null && p.lte(dec(market.best_bid));
}

/**
 * The price a sale is expected to fill at, for its tax preview: a sell that reaches the best bid
 * (a market sell, or a limit at or below it) trades at about the best bid, not at its own
 * price; one that rests fills at its limit. Null while neither is known.
 */
export function expectedSellPrice(d: Pick<TicketDraft, 'type' | 'price'>, market: MarketNow): string | null {
  const bid = market.best_bid;
  if (d.type === 'market') return bid ?? (isDecimalText(d.price) ? d.price : null);
  if (!isDecimalText(d.price)) return bid;
  return bid !== null && dec(d.price).lte(dec(bid)) ? bid : d.price;
}

/** Warnings that do not stop the order but that the user should see before sending it. */
export function warnings(d: TicketDraft, market: MarketNow): string[] {
  const out: string[] = [];
  if (!isDecimalText(d.price) || dec(d.price).lte(0)) return out;
  const p = dec(d.price);
  const reference = market.best_bid && market.best_ask ? dec(market.best_bid).plus(dec(market.best_ask)).div(2) : market.last ? dec(market.last) : null;
  if (reference && reference.gt(0)) {
    const off = p.minus(reference).abs().div(reference);
    if (off.gt(dec(FAR_FROM_MARKET_RATIO))) {
      const percent = off.mul(100).toDecimalPlaces(1, D.ROUND_HALF_UP).toFixed(1);
      out.push(`The price is ${percent}% ${p.gt(reference) ? 'above' : 'below'} the market ($${reference.toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4)}).`);
    }
  }
  // An order that must trade at once (market, IOC, FOK) but whose price cannot reach the book
  // fills nothing and is canceled: say so before it is sent.
  const immediate = d.type === 'market' || d.time_in_force === 'IOC' || d.time_in_force === 'FOK';
  const best = d.side === 'buy' ? market.best_ask : market.best_bid;
  if (immediate && best !== null && !reachesBook(d, market)) {
    const what = d.type === 'market' ? 'worst price' : 'price';
    out.push(`Your ${what} ${p.toFixed()} is ${d.side === 'buy' ? 'below the best ask' : 'above the best bid'} (${best}): nothing would fill now, and the order would be canceled.`);
  }
  if (d.type === 'limit' && wouldCross(d, market)) {
    out.push(
      d.post_only
        ? 'Post-only: this price would trade at once, so the platform will refuse the order instead of filling it.'
        : `This price crosses the book: it trades at once against the best ${d.side === 'buy' ? 'ask' : 'bid'} and pays the taker fee.`,
    );
  }
  return out;
}

function quantityProblems(d: TicketDraft, rules: TicketRules, balances: Balances | null): FieldProblem[] {
  const q = d.quantity.trim();
  if (q === '') return [{ field: 'quantity', message: 'Enter a quantity.' }];
  if (!isDecimalText(q) || dec(q).lte(0)) return [{ field: 'quantity', message: 'The quantity must be a positive number, like 12.5.' }];
  if (!isMultiple(dec(q), rules.lot_size)) return [{ field: 'quantity', message: `The quantity must be a multiple of the lot size ${rules.lot_size}.` }];
  if (dec(q).gt(dec(rules.max_quantity))) return [{ field: 'quantity', message: `The most one order can trade is ${rules.max_quantity} tokens.` }];
  if (balances && d.side === 'sell' && dec(q).gt(dec(balances.tokens_available))) {
    return [{ field: 'quantity', message: `You have ${balances.tokens_available} tokens free to sell.` }];
  }
  return [];
}

function priceProblems(d: TicketDraft, rules: TicketRules): FieldProblem[] {
  const p = d.price.trim();
  const what = d.type === 'limit' ? 'limit price' : 'worst price you accept';
  if (p === '') return [{ field: 'price', message: `Enter the ${what}.` }];
  if (!isDecimalText(p) || dec(p).lte(0)) return [{ field: 'price', message: `The ${what} must be a positive number, like 1.25.` }];
  if (!isMultiple(dec(p), rules.tick_size)) return [{ field: 'price', message: `The ${what} must be a multiple of the tick size ${rules.tick_size}.` }];
  if (dec(p).lt(dec(rules.min_price)) || dec(p).gt(dec(rules.max_price))) {
    return [{ field: 'price', message: `The ${what} must be between ${rules.min_price} and ${rules.max_price}.` }];
  }
  return [];
}

function timeProblems(d: TicketDraft, now_ms: number): FieldProblem[] {
  if (d.type === 'market' && (d.time_in_force === 'GTC' || d.time_in_force === 'GTD')) {
    return [{ field: 'time_in_force', message: 'A market order is immediate-or-cancel or fill-or-kill.' }];
  }
  if (d.post_only && d.type === 'limit' && (d.time_in_force === 'IOC' || d.time_in_force === 'FOK')) {
    return [{ field: 'post_only', message: 'A post-only order rests in the book: good-till-canceled or good-till-date.' }];
  }
  if (d.time_in_force === 'GTD') {
    if (d.good_till_ms === null || !Number.isFinite(d.good_till_ms)) return [{ field: 'good_till', message: 'Choose the date and time the order leaves the book.' }];
    if (d.good_till_ms <= now_ms + 60_000) return [{ field: 'good_till', message: 'Good-till must be at least a minute from now.' }];
    return [];
  }
  const h = d.send_within_hours.trim();
  if (!/^\d+(\.\d+)?$/.test(h) || Number(h) <= 0 || Number(h) > SEND_WITHIN_HOURS_MAX) {
    return [{ field: 'send_within', message: `Send within must be between 0 and ${SEND_WITHIN_HOURS_MAX} hours.` }];
  }
  return [];
}

/** The chosen lots as the contract takes them (typed amounts > 0, in the held lots' order), or null when none. */
export function lotPicks(d: Pick<TicketDraft, 'side' | 'lot_picks'>): { lot_id: string; quantity: string }[] | null {
  if (d.side !== 'sell' || !d.lot_picks) return null;
  const picks = Object.entries(d.lot_picks)
    .filter(([, q]) => q.trim() !== '')
    .map(([lot_id, q]) => ({ lot_id, quantity: q.trim() }));
  return picks.length > 0 ? picks : null;
}

function lotProblems(d: TicketDraft, rules: TicketRules): FieldProblem[] {
  const picks = lotPicks(d);
  if (!picks) return [];
  for (const p of picks) {
    if (!isDecimalText(p.quantity) || dec(p.quantity).lte(0) || !isMultiple(dec(p.quantity), rules.lot_size)) {
      return [{ field: 'lots', message: `Each lot's amount must be a positive multiple of ${rules.lot_size}.` }];
    }
  }
  const sum = picks.reduce((s, p) => s.plus(dec(p.quantity)), dec('0'));
  if (isDecimalText(d.quantity.trim()) && !sum.eq(dec(d.quantity.trim()))) {
    return [{ field: 'lots', message: `The chosen lots add up to ${sum.toFixed()}, not the quantity ${d.quantity.trim()}.` }];
  }
  return [];
}

/** Every problem of the draft, per field, in the platform's terms; empty when it can be sent. */
export function problems(d: TicketDraft, rules: TicketRules, balances: Balances | null, now_ms: number): FieldProblem[] {
  const out = [...quantityProblems(d, rules, balances), ...priceProblems(d, rules), ...timeProblems(d, now_ms), ...lotProblems(d, rules)];
  if (out.length === 0 && balances && d.side === 'buy') {
    const reserve = dec(d.quantity).mul(dec(d.price));
    const needed = reserve.plus(takerFee(reserve, rules.taker_fee_bps));
    if (needed.gt(dec(balances.usd_available))) {
      out.push({ field: 'quantity', message: `This needs $${needed.toFixed(2, D.ROUND_UP)} with the fee; $${dec(balances.usd_available).toFixed(2, D.ROUND_DOWN)} is free.` });
    }
  }
  return out;
}

/**
 * The exact request the API receives: the confirmation shows this object and the ticket sends
 * this same object. Throws if the draft does not pass the contract's own schema.
 */
export function buildOrder(d: TicketDraft, now_ms: number): PlaceOrderInput {
  const expires_ms = d.time_in_force === 'GTD' ? d.good_till_ms! : now_ms + Math.round(Number(d.send_within_hours) * 3_600_000);
  const raw = {
    side: d.side,
    type: d.type,
    quantity: toCanonical(dec(d.quantity.trim())),
    ...(d.type === 'limit' ? { price: toCanonical(dec(d.price.trim())) } : { protection_price: toCanonical(dec(d.price.trim())) }),
    time_in_force: d.time_in_force,
    ...(d.type === 'limit' && d.post_only ? { post_only: true } : {}),
    expires_at: new Date(expires_ms).toISOString(),
    ...(lotPicks(d) ? { lots: lotPicks(d)!.map((p) => ({ lot_id: p.lot_id, quantity: toCanonical(dec(p.quantity)) })) } : {}),
  };
  const parsed = PlaceOrderInput.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${i.path.join('.') || 'order'}: ${i.message}`);
  }
  return parsed.data;
}

/** Time in force allowed for an order type, in the order shown. */
export function allowedTif(type: OrderType): TimeInForce[] {
  return type === 'limit' ? ['GTC', 'GTD', 'IOC', 'FOK'] : ['IOC', 'FOK'];
}

export const TIF_LABEL: Record<TimeInForce, string> = {
  GTC: 'Good till canceled',
  GTD: 'Good till date',
  IOC: 'Immediate or cancel',
  FOK: 'Fill or kill',
};

/** Plain words for how the order's time limits work, per time in force. */
export const TIF_HELP: Record<TimeInForce, string> = {
  GTC: 'Rests in the book until it fills or you cancel it. "Send within" only limits how long it may wait in the offline queue.',
  GTD: 'Rests in the book until the good-till time, then expires. It is never sent after that time.',
  IOC: 'Fills what it can at once; the rest is canceled. Never rests in the book.',
  FOK: 'Fills completely at once or not at all. Never rests in the book.',
};
