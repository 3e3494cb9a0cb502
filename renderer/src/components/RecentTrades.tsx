import { useMarket } from '../store';
import { StaleTag } from './StaleTag';
import { qty, time, usd } from '../format';

const ROWS = 20;

/** Public trades, newest first (the last ROWS); the taker's side by colour and by an arrow (never colour alone). */
export function RecentTrades({ scroll = false }: { scroll?: boolean }) {
  const trades = useMarket((s) => s.trades).slice(0, ROWS);
  return (
    // In a workspace panel the list scrolls itself, so it takes focus: keyboard users scroll it too.
    <section className={scroll ? 'card trades trades-scroll' : 'card trades'} aria-label="Recent trades" data-testid="recent-trades" tabIndex={scroll ? 0 : undefined}>
      <h2>Recent trades <StaleTag /></h2>
      <table className="table compact">
        <thead><tr><th className="num">Price</th><th className="num">Size</th><th>Time</th></tr></thead>
        <tbody>
          {trades.map((t) => (
            <tr key={t.num}>
              <td className={`num ${t.taker_side === 'buy' ? 'pos' : 'neg'}`}>
                <span aria-label={t.taker_side === 'buy' ? 'buy' : 'sell'}>{t.taker_side === 'buy' ? '▲' : '▼'}</span> {usd(t.price, 4)}
              </td>
              <td className="num">{qty(t.quantity)}</td>
              <td className="muted">{time(t.time)}</td>
            </tr>
          ))}
          {trades.length === 0 && <tr><td colSpan={3} className="muted">No trades yet.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
