// What an order holds back from the available balance, computed exactly as the platform
// reserves it (platform/core: buyReserve), so that once the feed has caught up the local
// available balance equals the platform's to the micro:
//   buy:  notional = remaining × limit (limit = price, or protection_price for market),
//         fee = floor(notional × taker_bps / 10000) to the micro; reserve = notional + fee
//   sell: the remaining tokens
import { D, dec, toCanonical, ZERO, type Dec } from '../../../shared/money.js';
import { assert } from './types.js';

export interface ReserveInput {
  side: 'buy' | 'sell';
  limit_price: string;
  remaining: string;
}

export interface Reservation {
  usd: Dec;
  tokens: Dec;
}

export function reservationFor(o: ReserveInput, taker_fee_bps: number): Reservation {
  assert(Number.isInteger(taker_fee_bps) && taker_fee_bps >= 0 && taker_fee_bps <= 10_000, `taker_fee_bps out of range: ${taker_fee_bps}`);
  const remaining = dec(o.remaining);
  assert(remaining.gte(0), `negative remaining quantity ${o.remaining}`);
  if (o.side === 'sell') return { usd: ZERO, tokens: remaining };
  const notional = remaining.mul(dec(o.limit_price));
  const fee = notional.mul(taker_fee_bps).div(10_000).toDecimalPlaces(6, D.ROUND_DOWN);
  return { usd: notional.plus(fee), tokens: ZERO };
}

export function text(x: Dec): string {
  return toCanonical(x);
}
