// The confirmation shows exactly the request that will be sent (the same object is passed to
// placeOrder on confirm), each field with its raw value in data-value so a test can compare
// what was shown with what was submitted. A native modal <dialog>: focus is trapped, Escape
// cancels, and focus returns to the ticket.
import { useEffect, useRef, useState } from 'react';
import type { PlaceOrderInput } from '../../../../shared/contract/orders';
import { civilDate, dateTime, qty, usd, usdExact } from '../../format';
import { useTax } from '../../store';
import type { Estimate } from './ticket';
import { heldUsd, TIF_LABEL } from './ticket';

interface Row {
  field: string;
  label: string;
  value: string;
  shown: string;
}

function rows(o: PlaceOrderInput, symbol: string, acquired: ReadonlyMap<string, string>): Row[] {
  const out: Row[] = [
    { field: 'side', label: 'Side', value: o.side, shown: o.side === 'buy' ? 'Buy' : 'Sell' },
    { field: 'type', label: 'Type', value: o.type, shown: o.type === 'limit' ? 'Limit' : 'Market' },
    { field: 'quantity', label: 'Quantity', value: o.quantity, shown: `${o.quantity} ${symbol}` },
  ];
  if (o.price !== undefined) out.push({ field: 'price', label: 'Limit price', value: o.price, shown: usd(o.price, 4) });
  if (o.protection_price !== undefined) out.push({ field: 'protection_price', label: 'Worst price accepted', value: o.protection_price, shown: usd(o.protection_price, 4) });
  const tif = o.time_in_force ?? 'GTC';
  out.push({ field: 'time_in_force', label: 'Time in force', value: tif, shown: `${tif} (${TIF_LABEL[tif]})` });
  out.push({ field: 'post_only', label: 'Post-only', value: String(o.post_only ?? false), shown: o.post_only ? 'Yes' : 'No' });
  if (o.lots !== undefined) {
    const shown = o.lots.map((l) => `${l.quantity} from the lot acquired ${acquired.get(l.lot_id) ?? l.lot_id}`).join('; ');
    out.push({ field: 'lots', label: 'Lots sold', value: JSON.stringify(o.lots), shown });
  }
  if (o.expires_at !== undefined) {
    out.push({ field: 'expires_at', label: tif === 'GTD' ? 'Good till' : 'Send by (if queued, dropped after)', value: o.expires_at, shown: dateTime(o.expires_at) });
  }
  return out;
}

/** What the order will do, in words: a market order trades now; a limit order trades at its price or better, and rests for the rest. */
function orderWords(o: PlaceOrderInput, quantity: string, symbol: string): string {
  const verb = o.side === 'buy' ? 'Buys' : 'Sells';
  if (o.type === 'market') return `${verb} ${quantity} ${symbol} at the market now, never beyond the worst price; what cannot fill at once is canceled.`;
  const better = o.side === 'buy' ? 'or lower' : 'or higher';
  const tif = o.time_in_force ?? 'GTC';
  const rest = tif === 'IOC' ? 'what cannot fill at once is canceled' : tif === 'FOK' ? 'all of it at once, or nothing' : 'what does not fill at once waits in the book';
  return `${verb} up to ${quantity} ${symbol} at ${o.price} ${better}; ${rest}.`;
}

export function ConfirmOrderDialog({ order, estimate, feesKnown, symbol, busy, warnings, onConfirm, onCancel }: {
  order: PlaceOrderInput;
  warnings: string[];
  estimate: Estimate | null;
  feesKnown: boolean;
  symbol: string;
  busy: boolean;
  onConfirm(dontAskAgain: boolean): void;
  onCancel(): void;
}) {
  const held = useTax((s) => s.view?.summary?.lots ?? null);
  const acquired = new Map((held ?? []).map((l) => [l.lot_id, civilDate(l.holding_start)]));
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [dontAsk, setDontAsk] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // The primary action takes focus (showModal would focus the first button): Enter confirms.
    confirmRef.current?.focus();
    return () => d?.close();
  }, []);
  const side = order.side === 'buy' ? 'Buy' : 'Sell';
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id="confirm-title" className="dialog-title">Confirm order</h2>
      <dl className="confirm-fields" data-testid="confirm-fields">
        {rows(order, symbol, acquired).map((r) => (
          <div key={r.field} className="confirm-row">
            <dt>{r.label}</dt>
            <dd data-field={r.field} data-value={r.value}>{r.shown}</dd>
          </div>
        ))}
        {estimate && (
          <div className="confirm-row">
            <dt>{order.side === 'buy' ? 'Total held (with fee)' : 'You receive at least'}</dt>
            <dd>{feesKnown ? usdExact(heldUsd(estimate.total_usd, order.side)) : `${usdExact(estimate.notional_usd.toFixed())} before fees`}</dd>
          </div>
        )}
      </dl>
      {warnings.length > 0 && (
        <ul className="ticket-warnings" aria-label="Check before confirming">
          {warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      <p className="muted small">{orderWords(order, qty(order.quantity), symbol)} Cancel from the Orders panel while it is open or queued.</p>
      <label className="inline small">
        <input type="checkbox" checked={dontAsk} onChange={(e) => setDontAsk(e.target.checked)} /> Don't ask again (turn it back on under Advanced in the ticket)
      </label>
      <div className="dialog-actions">
        <button type="button" className="chip" onClick={onCancel}>Back to edit</button>
        <button type="button" ref={confirmRef} className={`submit ${order.side}`} disabled={busy} onClick={() => onConfirm(dontAsk)}>{busy ? 'Placing…' : `${side} ${order.quantity} ${symbol}`}</button>
      </div>
    </dialog>
  );
}
