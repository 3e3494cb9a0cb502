// Outbox rows and feed rows as the wallet API's views (shared/contract/orders.ts).
import { z } from 'zod';
import { D, dec, toCanonical, type Dec } from '../../../shared/money.js';
import { LotPick } from '../../../shared/contract/tax.js';
import type { ExternalOrderRow, OutboxRow } from './store.js';
import { assert, type ExternalOrderView, type OrderView } from './types.js';

/** A stored choice of lots (written by place() from the validated input). */
export function parseLots(json: string): LotPick[] {
  const lots = z.array(LotPick).safeParse(JSON.parse(json));
  assert(lots.success, 'stored lots are [{ lot_id, quantity }]');
  return lots.data;
}

/** Average fill prices are shown to this many places (the tick is 4; averages need more). */
const AVERAGE_PRICE_PLACES = 6;

/** An outbox row as the screen sees it, with what it holds back now and its fills summed. */
export function orderView(r: OutboxRow, res: { usd: Dec; tokens: Dec }, fills: { quantity: string; notional_usd: string; fees_usd: string } | null): OrderView {
  const filled = fills ? dec(fills.quantity) : null;
  return {
    client_order_id: r.client_order_id,
    order_id: r.order_id,
    queue_seq: r.queue_seq,
    side: r.side,
    type: r.type,
    price: r.price,
    protection_price: r.protection_price,
    quantity: r.quantity,
    filled_quantity: r.filled_quantity,
    time_in_force: r.time_in_force,
    post_only: r.post_only === 1,
    expires_at: new Date(r.deadline_ms).toISOString(),
    state: r.state,
    reason: r.reason,
    cancel_requested: r.cancel_requested === 1,
    attempts: r.attempts,
    last_error: r.last_error,
    reserved_usd: toCanonical(res.usd),
    reserved_tokens: toCanonical(res.tokens),
    lots: r.lots === null ? null : parseLots(r.lots),
    created_at: new Date(r.created_ms).toISOString(),
    updated_at: new Date(r.updated_ms).toISOString(),
    average_fill_price: filled && filled.gt(0) ? toCanonical(dec(fills!.notional_usd).div(filled).toDecimalPlaces(AVERAGE_PRICE_PLACES, D.ROUND_HALF_EVEN)) : null,
    fees_usd: fills ? fills.fees_usd : null,
  };
}

/** A live order placed elsewhere, with this wallet's cancel request for it. */
export function externalView(r: ExternalOrderRow): ExternalOrderView {
  assert(r.status === 'open' || r.status === 'partially_filled', `external order ${r.order_id} is ${r.status}, not live`);
  return {
    order_id: r.order_id,
    client_order_id: r.client_order_id,
    side: r.side,
    order_type: r.order_type,
    price: r.price_usd,
    quantity: r.quantity,
    filled_quantity: r.filled_quantity,
    state: r.status,
    updated_at: r.updated_at,
    cancel: r.cancel_state,
    cancel_error: r.cancel_error,
  };
}
