// What became of the order just placed, live from the orders store: the message says what is
// true now ("Open", "Filled", "Queued…"), never a guess made when the button was pressed.
import { useOnline, useOrders } from '../../store';
import { qty } from '../../format';
import type { OrderView } from '../../store/orders';
import { reasonText } from './order-words';

function text(o: OrderView, online: boolean): { ok: boolean; text: string } {
  switch (o.state) {
    case 'queued':
      return { ok: true, text: online ? 'Sending to the platform…' : 'Queued, will be sent when the platform is reachable.' };
    case 'sending':
      return { ok: true, text: 'Sent, waiting for the platform to confirm…' };
    case 'unknown':
      return { ok: true, text: 'Sent; the answer was lost, checking with the platform before any resend…' };
    case 'open':
      return { ok: true, text: 'Open on the platform.' };
    case 'partially_filled':
      return { ok: true, text: `Partially filled: ${qty(o.filled_quantity)} of ${qty(o.quantity)}.` };
    case 'filled':
      return { ok: true, text: `Filled: ${qty(o.filled_quantity)}.` };
    case 'canceled':
      return { ok: true, text: Number(o.filled_quantity) > 0 ? `Canceled after ${qty(o.filled_quantity)} filled.` : 'Canceled.' };
    case 'expired':
      return { ok: false, text: `Expired${o.reason ? `: ${reasonText(o.reason)}` : ''}.` };
    case 'rejected':
      return { ok: false, text: `Rejected${o.reason ? `: ${reasonText(o.reason)}` : ''}.` };
  }
}

export function OrderStatusLine({ client_order_id }: { client_order_id: string }) {
  const order = useOrders((s) => s.orders.find((o) => o.client_order_id === client_order_id) ?? null);
  const online = useOnline();
  if (!order) return null;
  const t = text(order, online);
  return (
    <p className={t.ok ? 'order-status' : 'error-text'} role="status" data-testid="order-message" data-state={order.state}>
      {order.side === 'buy' ? 'Buy' : 'Sell'} {qty(order.quantity)}: {t.text}
    </p>
  );
}
