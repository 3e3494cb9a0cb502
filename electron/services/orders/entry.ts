// Order entry: the user's input (validated with the shared schema) becomes the exact request
// body the outbox stores and sends byte for byte. Pure: the id and the clock come in.
import type { LotPick } from '../../../shared/contract/tax.js';
import { dec, toCanonical } from '../../../shared/money.js';
import type { OrderRequest } from '../../../shared/platform/api.js';
import { DEFAULT_EXPIRY_MS, MAX_EXPIRY_MS, MIN_EXPIRY_MS, OrderEntryError, PlaceOrderInput } from './types.js';

export interface NewOrder {
  request: OrderRequest;
  deadline_ms: number;
  /** The lots a sell chose (specific identification), or null. */
  lots: LotPick[] | null;
}

/** Throws OrderEntryError('invalid_input') with the first problems; nothing is stored. */
export function newOrder(raw: unknown, now_ms: number, newId: (now_ms: number) => string): NewOrder {
  const parsed = PlaceOrderInput.safeParse(raw);
  if (!parsed.success) {
    const msg = parsed.error.issues
      .slice(0, 3)
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw new OrderEntryError('invalid_input', msg, parsed.error.issues.slice(0, 10));
  }
  const input = parsed.data;
  const deadline_ms = input.expires_at === undefined ? now_ms + DEFAULT_EXPIRY_MS : Date.parse(input.expires_at);
  if (deadline_ms - now_ms < MIN_EXPIRY_MS) throw new OrderEntryError('invalid_input', `expires_at must be at least ${MIN_EXPIRY_MS / 1000} s in the future`);
  if (deadline_ms - now_ms > MAX_EXPIRY_MS) throw new OrderEntryError('invalid_input', `expires_at must be within ${MAX_EXPIRY_MS / 86_400_000} days`);
  const request: OrderRequest = {
    client_order_id: newId(now_ms),
    side: input.side,
    type: input.type,
    ...(input.price !== undefined ? { price: input.price } : {}),
    ...(input.protection_price !== undefined ? { protection_price: input.protection_price } : {}),
    quantity: toCanonical(dec(input.quantity)),
    time_in_force: input.time_in_force ?? (input.type === 'market' ? 'IOC' : 'GTC'),
    ...(input.post_only ? { post_only: true } : {}),
    deadline: new Date(deadline_ms).toISOString(),
    // GTD: the expiry also ends the order on the book.
    ...(input.time_in_force === 'GTD' ? { expire_at: new Date(deadline_ms).toISOString() } : {}),
  };
  return { request, deadline_ms, lots: input.lots ?? null };
}
