// The price lines the chart draws besides the candles, worked out exactly from the stores:
// the user's average cost (held lots' basis / quantity) and one line per open order.
import { dec } from '../../../../shared/money';
import type { ExternalOrderView, OrderView } from '../../store/orders';
import type { TaxView } from '../../store/tax';

export interface OrderLine {
  key: string;
  side: 'buy' | 'sell';
  /** Decimal string, the order's limit price. */
  price: string;
  /** Short label on the price scale, e.g. "Buy 2.5". */
  title: string;
}

/** States in which an order rests on (or is on its way to) the book at its price. */
const RESTING: ReadonlySet<OrderView['state']> = new Set(['queued', 'sending', 'unknown', 'open', 'partially_filled']);

export function orderLines(orders: readonly OrderView[], external: readonly ExternalOrderView[]): OrderLine[] {
  const out: OrderLine[] = [];
  for (const o of orders) {
    if (!RESTING.has(o.state) || o.type !== 'limit' || o.price === null) continue;
    const left = dec(o.quantity).minus(dec(o.filled_quantity)).toFixed();
    out.push({ key: o.client_order_id, side: o.side, price: o.price, title: `${o.side === 'buy' ? 'Buy' : 'Sell'} ${left}` });
  }
  for (const o of external) {
    if (o.price === null) continue;
    const left = dec(o.quantity).minus(dec(o.filled_quantity)).toFixed();
    out.push({ key: `x:${o.order_id}`, side: o.side, price: o.price, title: `${o.side === 'buy' ? 'Buy' : 'Sell'} ${left} (elsewhere)` });
  }
  return out;
}

/** Average cost per token of the held lots, to 4 decimals (the tick), or null with nothing held. */
export function averageCost(tax: TaxView | null): string | null {
  const groups = tax?.holdings?.groups ?? [];
  const quantity = groups.reduce((sum, g) => sum.plus(dec(g.quantity)), dec('0'));
  if (quantity.lte(0)) return null;
  const basis = groups.reduce((sum, g) => sum.plus(dec(g.cost_basis)), dec('0'));
  return basis.div(quantity).toFixed(4);
}
