// Convergence with the platform, the truth: answers, lookups and the feed's order events are
// merged into an outbox row with a monotone rule (status rank, then filled quantity), so
// whichever arrives first, the row ends equal to the platform's order.
import type { Order } from '../../../shared/platform/api.js';
import { dec, toCanonical } from '../../../shared/money.js';
import type { OutboxRow, Store } from './store.js';
import { assert } from './types.js';

const RANK: Record<string, number> = { open: 1, partially_filled: 2, filled: 3, canceled: 3, expired: 3, rejected: 3 };
export const PLATFORM_STATUSES: ReadonlySet<string> = new Set(Object.keys(RANK));

/** The feed showed the order ended (filled, canceled, expired, rejected). */
export const isFeedFinal = (feed_status: string | null): boolean => feed_status !== null && RANK[feed_status] === 3;

export interface PlatformState {
  order_id: string;
  status: string;
  filled_quantity: string;
  reason: string | null;
}

/** Takes the platform's state when it is ahead of the row's; true when the row changed. */
export function adopt(st: Store, row: OutboxRow, p: PlatformState, now: number): boolean {
  assert(PLATFORM_STATUSES.has(p.status), `platform status ${p.status}`);
  assert(row.order_id === null || row.order_id === p.order_id, `order ${row.client_order_id} has two platform ids: ${row.order_id}, ${p.order_id}`);
  const local_rank = row.on_platform === 1 ? (RANK[row.state] ?? 0) : 0;
  const new_rank = RANK[p.status]!;
  const filled_new = dec(p.filled_quantity);
  const filled_old = dec(row.filled_quantity);
  const take = new_rank > local_rank || (new_rank === local_rank && filled_new.gt(filled_old));
  if (!take) return false;
  const final = new_rank === 3;
  // A straggler: the user canceled it locally (it seemed never to have arrived), yet it
  // reached the platform after all. Keep the user's intent: cancel it there.
  const canceled_locally = row.on_platform === 0 && row.state === 'canceled';
  st.setPlatform.run({
    client_order_id: row.client_order_id,
    state: p.status,
    reason: p.reason,
    order_id: p.order_id,
    filled_quantity: toCanonical(filled_new.gt(filled_old) ? filled_new : filled_old),
    cancel_requested: final ? 0 : canceled_locally ? 1 : row.cancel_requested,
    now,
  });
  return true;
}

/** The platform's answer (a placed order, or a lookup) for this row. */
export function adoptAnswer(st: Store, row: OutboxRow, o: Order, now: number): boolean {
  assert(o.client_order_id === row.client_order_id, `answer for ${o.client_order_id}, expected ${row.client_order_id}`);
  return adopt(st, row, { order_id: o.order_id, status: o.status, filled_quantity: o.filled_quantity, reason: o.reason }, now);
}

/** The feed's state of an order at `seq`: recorded (what the feed confirmed), then adopted. */
export function adoptFeed(st: Store, client_order_id: string, seq: number, p: PlatformState, now: number): void {
  st.setFeed.run({ client_order_id, feed_seq: seq, feed_status: p.status, feed_filled: p.filled_quantity });
  const row = st.byId.get(client_order_id) as OutboxRow | undefined;
  assert(row, `feed state for unknown order ${client_order_id}`);
  adopt(st, row, p, now);
}
