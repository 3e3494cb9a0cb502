// The journal's "What" for a trade or an order update: the platform event the entry came from
// (kept in the ledger with the entry), read back through its schema. Anything that does not
// parse gives no detail rather than a wrong one (the postings still show the money).
import { FillEvent, OrderEvent } from '../../shared/platform/events.js';
import type { ActivityDetail } from '../../shared/contract/wallet-api.js';

export function activityDetail(type: string, data: unknown): ActivityDetail | null {
  if (type === 'fill') {
    const f = FillEvent.safeParse(data);
    if (!f.success) return null;
    return { kind: 'fill', side: f.data.side, price_usd: f.data.price_usd, quantity: f.data.quantity, fee_usd: f.data.fee_usd, liquidity: f.data.liquidity };
  }
  if (type === 'order') {
    const o = OrderEvent.safeParse(data);
    if (!o.success) return null;
    const { side, order_type, price_usd, quantity, filled_quantity, status, reason } = o.data;
    return { kind: 'order', side, order_type, price_usd, quantity, filled_quantity, status, reason };
  }
  return null;
}
