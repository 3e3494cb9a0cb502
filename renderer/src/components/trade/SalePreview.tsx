// The tax effect of the sale being typed, live: it follows the quantity and price as they
// change (debounced), and the lots held (a new tax view re-asks). Priced where the sale is
// expected to fill (the ticket's expectedSellPrice), its proceeds net of the fee. Lists the lots the sale
// would use under the method in force, with their term and gain.
import { useEffect, useRef, useState } from 'react';
import { useTax, walletApi } from '../../store';
import { civilDate, errorText, qty, usd, usdExact } from '../../format';
import { zPositiveDecimal } from '../../../../shared/money';
import type { MethodResponse } from '../../../../shared/contract/wallet-api';

type WhatIf = MethodResponse<'whatIfSale'>;

/** Typing pauses this long before the preview is asked for. */
const DEBOUNCE_MS = 150;
const isDecimal = (s: string) => zPositiveDecimal.safeParse(s).success;

export function SalePreview({ quantity, price, fee, lots }: { quantity: string; price: string; fee: string | null; lots: { lot_id: string; quantity: string }[] | null }) {
  const as_of = useTax((s) => s.view?.as_of_seq ?? 0);
  // The answer is kept with the input it answers, so a stale one is never shown.
  const [answer, setAnswer] = useState<{ key: string; preview: WhatIf | null; error: string | null } | null>(null);
  const asked = useRef(0);
  const q = quantity.trim();
  const pr = price.trim();
  const valid = isDecimal(q) && (pr === '' || isDecimal(pr));
  const lots_json = lots ? JSON.stringify(lots) : '';
  const key = `${q}@${pr}@${fee ?? ''}@${lots_json}`;

  useEffect(() => {
    if (!valid) return;
    const n = ++asked.current;
    const t = setTimeout(() => {
      walletApi()
        .whatIfSale({ quantity: q, ...(pr ? { price_usd: pr } : {}), ...(fee ? { fee_usd: fee } : {}), ...(lots_json ? { lots: JSON.parse(lots_json) as { lot_id: string; quantity: string }[] } : {}) })
        .then((r) => { if (n === asked.current) setAnswer({ key, preview: r, error: null }); })
        .catch((err: unknown) => { if (n === asked.current) setAnswer({ key, preview: null, error: errorText(err) }); });
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [valid, q, pr, fee, key, lots_json, as_of]);

  if (!valid || !answer || answer.key !== key) return null;
  const { preview, error } = answer;
  if (error) return <p className="muted small" data-testid="sale-preview">Tax effect: {error}</p>;
  const p = preview!;
  const gain = (s: string) => <span className={s.startsWith('-') ? 'neg' : 'pos'}>{usd(s)}</span>;
  return (
    <section className="sale-preview" aria-label="Tax effect of this sale" data-testid="sale-preview" data-price={p.price_usd}>
      <h3>Tax effect ({p.method === 'specific' ? 'chosen lots' : p.method.toUpperCase()}) at {usd(p.price_usd, 4)}{fee ? `, after a fee of up to ${usdExact(fee)}` : ''}</h3>
      {p.needs_lot_selection && <p className="small warning-text">Your standing method is specific identification: choose the lots below (otherwise FIFO's are shown, and a fill without a choice takes them).</p>}
      <dl className="ticket-summary">
        <dt>Proceeds</dt><dd>{usd(p.proceeds)}</dd>
        <dt>Cost basis</dt><dd>{usd(p.cost_basis)}</dd>
        <dt>Short-term gain</dt><dd data-testid="preview-short">{gain(p.short_term_gain)}</dd>
        <dt>Long-term gain</dt><dd data-testid="preview-long">{gain(p.long_term_gain)}</dd>
      </dl>
      {p.portions.length > 0 && (
        <table className="table compact lots-table" aria-label="Lots this sale would use">
          <thead><tr><th>Acquired</th><th className="num">Qty</th><th className="num">Basis</th><th>Term</th><th className="num">Gain</th></tr></thead>
          <tbody>
            {p.portions.map((l) => (
              <tr key={`${l.lot_id}-${l.holding_start}`} data-lot-id={l.lot_id}>
                <td>{civilDate(l.acquired_date)}</td>
                <td className="num">{qty(l.quantity)}</td>
                <td className="num">{usd(l.cost_basis)}</td>
                <td>{l.term === 'long' ? 'Long' : 'Short'}</td>
                <td className="num">{gain(l.gain)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
