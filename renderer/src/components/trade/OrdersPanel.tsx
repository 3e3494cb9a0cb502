// Orders along the bottom of the workspace, in three tabs: Open (live on the platform, ours
// and those placed elsewhere), Queued (not yet known to the platform: offline queue, sending,
// answer lost) and History (filled, canceled, expired, rejected with the reason). Rows come
// from the orders store, which the main process pushes; nothing here refetches.
import { useState, type KeyboardEvent } from 'react';
import { useOnline, useOrders, walletApi } from '../../store';
import { dateTime, dateTimeCompact, errorText, priceExact, qty, usd } from '../../format';
import { useNow } from '../use-now';
import { FINAL_STATES, LIVE_STATES, PENDING_STATES } from '../../../../shared/contract/orders';
import type { ExternalOrderView, OrderView } from '../../store/orders';
import { reasonText, STATE_LABEL } from './order-words';

type Tab = 'open' | 'queued' | 'history';
const TABS: { id: Tab; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'queued', label: 'Queued' },
  { id: 'history', label: 'History' },
];

const EXTERNAL_CANCEL_LABEL: Record<NonNullable<ExternalOrderView['cancel']>, string> = {
  pending: 'cancel waiting to be sent',
  sent: 'cancel sent',
  refused: 'cancel refused',
};

function priceText(o: OrderView): string {
  return o.price ? usd(o.price, 4) : `market, worst ${usd(o.protection_price, 4)}`;
}

function stateText(o: OrderView): string {
  const cancel = o.cancel_requested && !FINAL_STATES.includes(o.state) ? ', cancel requested' : '';
  return `${STATE_LABEL[o.state]}${cancel}${o.reason ? `: ${reasonText(o.reason)}` : ''}`;
}

export function OrdersPanel() {
  const orders = useOrders((s) => s.orders);
  const external = useOrders((s) => s.external);
  const online = useOnline();
  const [tab, setTab] = useState<Tab>('open');
  const [error, setError] = useState<string | null>(null);

  const open = orders.filter((o) => LIVE_STATES.includes(o.state));
  const queued = orders.filter((o) => PENDING_STATES.includes(o.state));
  const history = orders.filter((o) => FINAL_STATES.includes(o.state));
  const counts: Record<Tab, number> = { open: open.length + external.length, queued: queued.length, history: history.length };

  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    // The row's Cancel button is about to be replaced by its new state: the keyboard stays in the
    // table (its pane), not on the page's body.
    document.getElementById(`orders-pane-${tab}`)?.focus();
    try {
      await f();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const cancel = (o: OrderView) => void act(() => walletApi().cancelOrder({ client_order_id: o.client_order_id }));
  const cancelExternal = (o: ExternalOrderView) => void act(() => walletApi().cancelExternalOrder({ order_id: o.order_id }));

  // Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation).
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next]!.id);
    document.getElementById(`orders-tab-${TABS[next]!.id}`)?.focus();
  };

  return (
    <section className="orders-panel" aria-label="Orders">
      <div className="tabs" role="tablist" aria-label="Orders">
        {TABS.map((t) => (
          <button key={t.id} id={`orders-tab-${t.id}`} type="button" role="tab" aria-selected={tab === t.id} aria-controls={`orders-pane-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} onKeyDown={onTabKey} aria-describedby={`orders-count-${t.id}`}>
            {t.label}
            <span className="tab-count" id={`orders-count-${t.id}`}><span className="visually-hidden">, </span>{counts[t.id]}<span className="visually-hidden"> orders</span></span>
          </button>
        ))}
        {!online && queued.length > 0 && <span className="muted small tab-note">Offline: queued orders go out once, in order, when the platform is back.</span>}
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      <div role="tabpanel" id={`orders-pane-${tab}`} aria-labelledby={`orders-tab-${tab}`} className="tab-pane" tabIndex={0}>
        {tab === 'open' && <OpenTable orders={open} external={external} onCancel={cancel} onCancelExternal={cancelExternal} />}
        {tab === 'queued' && <QueuedTable orders={queued} onCancel={cancel} />}
        {tab === 'history' && <HistoryTable orders={history} />}
      </div>
    </section>
  );
}

/** The side in colour and in words (never colour alone). */
function SideCell({ side }: { side: OrderView['side'] }) {
  return <td className={side === 'buy' ? 'pos' : 'neg'}>{side === 'buy' ? 'Buy' : 'Sell'}</td>;
}

function CancelButton({ o, onCancel }: { o: OrderView; onCancel(o: OrderView): void }) {
  if (o.cancel_requested) return <span className="muted small">cancel requested</span>;
  return (
    <button type="button" className="chip" aria-label={`Cancel ${o.side} ${o.quantity} at ${o.price ?? 'market'}`} onClick={() => onCancel(o)}>
      Cancel
    </button>
  );
}

/** How often the tables' "today" is checked: a row from before midnight gains its date within a minute. */
const TABLE_CLOCK_MS = 60_000;

/** A time as short as is unambiguous (the time alone today), the full date and time on hover. */
function Time({ iso, now_ms }: { iso: string; now_ms: number }) {
  return <time dateTime={iso} title={dateTime(iso)}>{dateTimeCompact(iso, now_ms)}</time>;
}

function When({ iso, now_ms, note }: { iso: string; now_ms: number; note?: string }) {
  return (
    <td>
      <Time iso={iso} now_ms={now_ms} />
      {note && <span className="muted small"> {note}</span>}
    </td>
  );
}

function OpenTable({ orders, external, onCancel, onCancelExternal }: { orders: OrderView[]; external: ExternalOrderView[]; onCancel(o: OrderView): void; onCancelExternal(o: ExternalOrderView): void }) {
  const now_ms = useNow(TABLE_CLOCK_MS);
  return (
    <table className="table compact orders-table" aria-label="Open orders" data-testid="orders-table">
      <thead><tr><th>Placed</th><th>Side</th><th>Type</th><th className="num">Quantity</th><th className="num">Filled</th><th className="num">Price</th><th><abbr title="Time in force">TIF</abbr></th><th>State</th><th><span className="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.client_order_id} data-state={o.state} data-client-order-id={o.client_order_id}>
            <When iso={o.created_at} now_ms={now_ms} />
            <SideCell side={o.side} />
            <td>{o.type}{o.post_only && <> <span className="tag">post-only</span></>}</td>
            <td className="num">{qty(o.quantity)}</td>
            <td className="num">{qty(o.filled_quantity)}</td>
            <td className="num">{priceText(o)}</td>
            <td>{o.time_in_force}{o.time_in_force === 'GTD' && <> till <Time iso={o.expires_at} now_ms={now_ms} /></>}</td>
            <td title={o.last_error ?? undefined}>{stateText(o)}</td>
            <td className="num"><CancelButton o={o} onCancel={onCancel} /></td>
          </tr>
        ))}
        {external.map((o) => (
          <tr key={o.order_id} data-order-id={o.order_id} data-cancel={o.cancel ?? 'none'} data-external="true">
            {/* The platform's order feed carries the last change, not when the order was placed: say so. */}
            <When iso={o.updated_at} now_ms={now_ms} note="(last change)" />
            <SideCell side={o.side} />
            <td>{o.order_type} <span className="tag">placed elsewhere</span></td>
            <td className="num">{qty(o.quantity)}</td>
            <td className="num">{qty(o.filled_quantity)}</td>
            <td className="num">{usd(o.price, 4)}</td>
            <td>—</td>
            <td title={o.cancel_error ?? undefined}>{STATE_LABEL[o.state]}{o.cancel ? `, ${EXTERNAL_CANCEL_LABEL[o.cancel]}` : ''}{o.cancel === 'refused' && o.cancel_error ? `: ${o.cancel_error}` : ''}</td>
            <td className="num">
              {(o.cancel === null || o.cancel === 'refused') && (
                <button type="button" className="chip" aria-label={`Cancel ${o.side} ${o.quantity} at ${o.price ?? 'market'}`} onClick={() => onCancelExternal(o)}>
                  {o.cancel === 'refused' ? 'Retry cancel' : 'Cancel'}
                </button>
              )}
            </td>
          </tr>
        ))}
        {orders.length + external.length === 0 && <tr><td colSpan={9} className="muted">No open orders.</td></tr>}
      </tbody>
    </table>
  );
}

function QueuedTable({ orders, onCancel }: { orders: OrderView[]; onCancel(o: OrderView): void }) {
  const now_ms = useNow(TABLE_CLOCK_MS);
  return (
    <table className="table compact orders-table" aria-label="Queued orders" data-testid="queued-table">
      <thead><tr><th>Placed</th><th>Side</th><th>Type</th><th className="num">Quantity</th><th className="num">Price</th><th>Send by</th><th>State</th><th className="num">Attempts</th><th><span className="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.client_order_id} data-state={o.state} data-client-order-id={o.client_order_id}>
            <When iso={o.created_at} now_ms={now_ms} />
            <SideCell side={o.side} />
            <td>{o.type}{o.post_only && <> <span className="tag">post-only</span></>}</td>
            <td className="num">{qty(o.quantity)}</td>
            <td className="num">{priceText(o)}</td>
            <td><Time iso={o.expires_at} now_ms={now_ms} /></td>
            <td title={o.last_error ?? undefined}>{stateText(o)}</td>
            <td className="num">{o.attempts}</td>
            <td className="num"><CancelButton o={o} onCancel={onCancel} /></td>
          </tr>
        ))}
        {orders.length === 0 && <tr><td colSpan={9} className="muted">Nothing queued: every order has reached the platform.</td></tr>}
      </tbody>
    </table>
  );
}

function HistoryTable({ orders }: { orders: OrderView[] }) {
  const now_ms = useNow(TABLE_CLOCK_MS);
  return (
    <table className="table compact orders-table" aria-label="Order history" data-testid="history-table">
      <thead><tr><th>Updated</th><th>Side</th><th>Type</th><th className="num">Quantity</th><th className="num">Filled</th><th className="num">Price</th><th className="num">Avg fill</th><th className="num">Fees</th><th>State</th></tr></thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.client_order_id} data-state={o.state} data-client-order-id={o.client_order_id}>
            <When iso={o.updated_at} now_ms={now_ms} />
            <SideCell side={o.side} />
            <td>{o.type}</td>
            <td className="num">{qty(o.quantity)}</td>
            <td className="num">{qty(o.filled_quantity)}</td>
            <td className="num">{priceText(o)}</td>
            <td className="num" data-testid="avg-fill">{o.average_fill_price ? priceExact(o.average_fill_price) : '—'}</td>
            <td className="num">{o.fees_usd !== null ? usd(o.fees_usd, 4) : '—'}</td>
            <td title={o.last_error ?? undefined}>{stateText(o)}</td>
          </tr>
        ))}
        {orders.length === 0 && <tr><td colSpan={9} className="muted">No finished orders yet.</td></tr>}
      </tbody>
    </table>
  );
}
