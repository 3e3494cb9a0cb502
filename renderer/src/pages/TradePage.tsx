import { useState, type FormEvent } from 'react';
import { walletApi, useMarket, useOrders, usePortfolio, useSession } from '../store';
import { OrderBook } from '../components/OrderBook';
import { RecentTrades } from '../components/RecentTrades';
import { useTokenTitle } from '../store/instrument';
import { errorText, qty, usd } from '../format';
import { PlaceOrderInput } from '../../../shared/contract/orders';
import { zPositiveDecimal } from '../../../shared/money';
import type { MethodResponse } from '../../../shared/contract/wallet-api';

type Order = MethodResponse<'listOrders'>['orders'][number];
type ExternalOrder = MethodResponse<'listExternalOrders'>['orders'][number];
type Available = Pick<MethodResponse<'getPortfolio'>, 'usd' | 'token'>;
type WhatIf = MethodResponse<'whatIfSale'>;

const STATE_LABEL: Record<Order['state'], string> = {
  queued: 'Queued (offline)',
  sending: 'Sending',
  unknown: 'Checking with platform',
  open: 'Open',
  partially_filled: 'Partially filled',
  filled: 'Filled',
  canceled: 'Canceled',
  expired: 'Expired',
  rejected: 'Rejected',
};
const EXTERNAL_CANCEL_LABEL: Record<NonNullable<ExternalOrder['cancel']>, string> = {
  pending: 'cancel waiting to be sent',
  sent: 'cancel sent',
  refused: 'cancel refused',
};
const CANCELABLE: Order['state'][] = ['queued', 'open', 'partially_filled', 'unknown', 'sending'];

export function TradePage() {
  const ticker = useMarket((s) => s.ticker);
  const status = useSession((s) => s.status);
  // Orders and balances are pushed as they change (store/orders.ts, store/portfolio.ts).
  const orders: Order[] = useOrders((s) => s.orders);
  const external: ExternalOrder[] = useOrders((s) => s.external);
  const available: Available | null = usePortfolio((s) => s.portfolio);
  const tokenTitle = useTokenTitle();
  const [error, setError] = useState<string | null>(null);

  const cancel = async (client_order_id: string) => {
    try {
      await walletApi().cancelOrder({ client_order_id });
    } catch (err) {
      setError(errorText(err));
    }
  };

  const cancelExternal = async (order_id: string) => {
    try {
      await walletApi().cancelExternalOrder({ order_id });
    } catch (err) {
      setError(errorText(err));
    }
  };

  const queued = orders.filter((o) => o.state === 'queued').length;
  return (
    <section aria-labelledby="trade-title">
      <h1 id="trade-title">Trade {tokenTitle}</h1>
      {status?.state === 'offline' && (
        <p className="warning" role="status">
          Offline: new orders wait in the local queue and go out once, in order, when the platform is back — never after their expiry.
          {queued > 0 ? ` ${queued} queued.` : ''}
        </p>
      )}
      <div className="trade-grid">
        <OrderForm lastPrice={ticker?.last ?? null} available={available} online={status?.state === 'online'} />
        <div>
          <div className="cards small-cards">
            <article className="card"><h2>Cash available</h2><p className="big" data-testid="usd-available">{usd(available?.usd.available)}</p><p className="muted">{usd(available?.usd.reserved)} held by orders</p></article>
            <article className="card"><h2>Tokens available</h2><p className="big" data-testid="tokens-available">{qty(available?.token.available)}</p><p className="muted">{qty(available?.token.reserved)} held by orders</p></article>
            <article className="card"><h2>Bid / ask</h2><p className="big">{usd(ticker?.bid, 4)}</p><p className="muted">ask {usd(ticker?.ask, 4)}</p></article>
          </div>
          <div className="market-panels">
            <OrderBook />
            <RecentTrades />
          </div>
        </div>
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      <h2 className="section">Orders</h2>
      <table className="table" aria-label="Orders" data-testid="orders-table">
        <thead><tr><th>Placed</th><th>Side</th><th>Type</th><th className="num">Quantity</th><th className="num">Filled</th><th className="num">Price</th><th>State</th><th>Send by</th><th /></tr></thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.client_order_id} data-state={o.state} data-client-order-id={o.client_order_id}>
              <td>{new Date(o.created_at).toLocaleString()}</td>
              <td className={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</td>
              <td>{o.type}{o.post_only ? ' (post-only)' : ''}</td>
              <td className="num">{qty(o.quantity)}</td>
              <td className="num">{qty(o.filled_quantity)}</td>
              <td className="num">{o.price ? usd(o.price, 4) : `≤/≥ ${usd(o.protection_price, 4)}`}</td>
              <td title={o.last_error ?? undefined}>{STATE_LABEL[o.state]}{o.cancel_requested && !['canceled', 'filled'].includes(o.state) ? ', cancel requested' : ''}{o.reason ? `: ${o.reason}` : ''}</td>
              <td>{['queued', 'sending', 'unknown'].includes(o.state) || o.time_in_force === 'GTD' ? new Date(o.expires_at).toLocaleString() : '—'}</td>
              <td>{CANCELABLE.includes(o.state) && !o.cancel_requested && <button type="button" className="chip" onClick={() => void cancel(o.client_order_id)}>Cancel</button>}</td>
            </tr>
          ))}
          {orders.length === 0 && <tr><td colSpan={9} className="muted">No orders yet.</td></tr>}
        </tbody>
      </table>
      {external.length > 0 && (
        <>
          <h2 className="section">Open orders placed elsewhere</h2>
          <p className="muted small">Placed from another device or the platform directly; they hold funds here too. A cancel asked for here waits while offline and is sent when the platform is back.</p>
          <table className="table" aria-label="Orders placed elsewhere" data-testid="external-orders">
            <thead><tr><th>Updated</th><th>Side</th><th>Type</th><th className="num">Quantity</th><th className="num">Filled</th><th className="num">Price</th><th>State</th><th /></tr></thead>
            <tbody>
              {external.map((o) => (
                <tr key={o.order_id} data-order-id={o.order_id} data-cancel={o.cancel ?? 'none'}>
                  <td>{new Date(o.updated_at).toLocaleString()}</td>
                  <td className={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</td>
                  <td>{o.order_type}</td>
                  <td className="num">{qty(o.quantity)}</td>
                  <td className="num">{qty(o.filled_quantity)}</td>
                  <td className="num">{usd(o.price, 4)}</td>
                  <td title={o.cancel_error ?? undefined}>{STATE_LABEL[o.state]}{o.cancel ? `, ${EXTERNAL_CANCEL_LABEL[o.cancel]}` : ''}{o.cancel === 'refused' && o.cancel_error ? `: ${o.cancel_error}` : ''}</td>
                  <td>
                    {(o.cancel === null || o.cancel === 'refused') && (
                      <button type="button" className="chip" aria-label={`Cancel ${o.side} ${o.quantity} at ${o.price ?? 'market'}`} onClick={() => void cancelExternal(o.order_id)}>
                        {o.cancel === 'refused' ? 'Retry cancel' : 'Cancel'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function OrderForm({ lastPrice, available, online }: { lastPrice: string | null; available: Available | null; online: boolean }) {
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [type, setType] = useState<'limit' | 'market'>('limit');
  const [quantity, setQuantity] = useState('');
  const [price, setPrice] = useState('');
  const [expiryHours, setExpiryHours] = useState('24');
  const [postOnly, setPostOnly] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [preview, setPreview] = useState<WhatIf | null>(null);
  const [busy, setBusy] = useState(false);

  const build = () => {
    const hours = Number(expiryHours);
    const expires_at = Number.isFinite(hours) && hours > 0 ? new Date(Date.now() + hours * 3_600_000).toISOString() : undefined;
    const base = { side, type, quantity: quantity.trim(), ...(expires_at ? { expires_at } : {}) };
    return type === 'limit'
      ? { ...base, price: price.trim(), ...(postOnly ? { post_only: true } : {}) }
      : { ...base, protection_price: price.trim() };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = PlaceOrderInput.safeParse(build());
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      setMessage({ ok: false, text: `${i.path.join('.') || 'order'}: ${i.message}` });
      return;
    }
    setBusy(true);
    try {
      const o = await walletApi().placeOrder(parsed.data);
      const queued_text = online ? 'Sending to the platform…' : 'Queued, will be sent when the platform is reachable.';
      setMessage({ ok: true, text: o.state === 'queued' ? queued_text : `Order ${o.state}.` });
      setQuantity('');
      setPreview(null);
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  // A sale's tax effect under the lot method in force, before the user commits to it.
  const showPreview = async () => {
    // Only a well-formed sale is previewed; a typo is reported by the form on submit.
    if (side !== 'sell' || !zPositiveDecimal.safeParse(quantity.trim()).success) return setPreview(null);
    if (price.trim() && !zPositiveDecimal.safeParse(price.trim()).success) return setPreview(null);
    try {
      setPreview(await walletApi().whatIfSale({ quantity: quantity.trim(), ...(price.trim() ? { price_usd: price.trim() } : {}) }));
    } catch {
      setPreview(null);
    }
  };

  return (
    <form className="order-form card" onSubmit={(e) => void submit(e)} aria-label="Order entry">
      <div className="segmented" role="radiogroup" aria-label="Side">
        {(['buy', 'sell'] as const).map((s) => (
          <button key={s} type="button" role="radio" aria-checked={side === s} className={side === s ? `chip active ${s}` : 'chip'} onClick={() => { setSide(s); setPreview(null); }}>{s === 'buy' ? 'Buy' : 'Sell'}</button>
        ))}
        {(['limit', 'market'] as const).map((t) => (
          <button key={t} type="button" role="radio" aria-checked={type === t} className={type === t ? 'chip active' : 'chip'} onClick={() => setType(t)}>{t === 'limit' ? 'Limit' : 'Market'}</button>
        ))}
      </div>
      <label>Quantity (tokens)<input name="quantity" value={quantity} onChange={(e) => { setQuantity(e.target.value); setMessage(null); }} onBlur={() => void showPreview()} inputMode="decimal" placeholder="e.g. 100" required /></label>
      <label>
        {type === 'limit' ? 'Limit price (USD)' : 'Worst price you accept (USD)'}
        <input name="price" value={price} onChange={(e) => { setPrice(e.target.value); setMessage(null); }} inputMode="decimal" placeholder={lastPrice ?? '0.0000'} required />
      </label>
      <label title="A queued order older than this is never sent; the platform refuses it after this too">Send within (hours)<input name="expiry" value={expiryHours} onChange={(e) => setExpiryHours(e.target.value)} inputMode="numeric" /></label>
      {type === 'limit' && <label className="inline"><input type="checkbox" checked={postOnly} onChange={(e) => setPostOnly(e.target.checked)} /> post-only (maker)</label>}
      <p className="muted small">
        {side === 'buy' ? `Cash available ${usd(available?.usd.available)}` : `Tokens available ${qty(available?.token.available)}`}
        {type === 'market' ? ' · a market order never fills beyond your worst price, even if sent later' : ''}
      </p>
      {preview && (
        <p className="small" data-testid="sale-preview">
          Tax effect ({preview.method.toUpperCase()}): basis {usd(preview.cost_basis)}, short-term {usd(preview.short_term_gain)}, long-term {usd(preview.long_term_gain)}
        </p>
      )}
      <button type="submit" className={`submit ${side}`} disabled={busy}>{busy ? 'Placing…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${type}`}</button>
      {message && <p className={message.ok ? 'pos' : 'error-text'} role={message.ok ? 'status' : 'alert'} data-testid="order-message">{message.text}</p>}
    </form>
  );
}
