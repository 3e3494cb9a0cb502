// Specific identification in the ticket: the held lots (from the pushed tax view), each with
// the tokens to sell from it. The order carries the choice to the tax engine; its fills take
// these lots in the order listed here (oldest first).
import { useTax } from '../../store';
import { civilDate, qty, usd } from '../../format';
import { dec } from '../../../../shared/money';
import { isDecimalText } from './ticket';

export function LotPicker({ quantity, picks, onChange, problem }: { quantity: string; picks: Record<string, string>; onChange(p: Record<string, string>): void; problem: string | null }) {
  const lots = useTax((s) => s.view?.summary?.lots ?? null);
  if (!lots) return <p className="muted small">The held lots are not known yet.</p>;
  if (lots.length === 0) return <p className="muted small">No tokens held.</p>;
  let chosen = dec('0');
  for (const v of Object.values(picks)) if (isDecimalText(v.trim())) chosen = chosen.plus(dec(v.trim()));
  return (
    <div className="lot-picker">
      <table className="table compact lots-table" aria-label="Held lots to sell from">
        <thead><tr><th>Acquired</th><th className="num">Held</th><th className="num">Basis</th><th>Term</th><th className="num">Sell</th></tr></thead>
        <tbody>
          {lots.map((l) => (
            <tr key={l.lot_id} data-lot-id={l.lot_id}>
              <td>{civilDate(l.holding_start)}</td>
              <td className="num">{qty(l.quantity)}</td>
              <td className="num">{usd(l.cost_basis)}</td>
              <td>{l.term === 'long' ? 'Long' : 'Short'}</td>
              <td className="num">
                <input className="lot-input" inputMode="decimal" autoComplete="off" aria-label={`Sell from the lot acquired ${civilDate(l.holding_start)} (${l.quantity} held)`}
                  value={picks[l.lot_id] ?? ''} placeholder="0"
                  onChange={(e) => onChange({ ...picks, [l.lot_id]: e.target.value })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small" data-testid="lots-chosen">Chosen {qty(chosen.toFixed())} of {quantity.trim() || '—'} tokens{Object.keys(picks).length > 0 ? '' : ' (none: the standing method picks)'}</p>
      {problem && <span className="field-error" id="ticket-lots-error">{problem}</span>}
      {Object.keys(picks).length > 0 && <button type="button" className="chip" onClick={() => onChange({})}>Clear the choice</button>}
    </div>
  );
}
