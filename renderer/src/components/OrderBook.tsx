import { bookStats, useMarket } from '../store';
import { qty, usd } from '../format';
import type { BookLevelView } from '../store/book';

/** Share of the deepest cumulative size shown, for the depth bar (pixels only, never an amount). */
function depthPct(level: BookLevelView, max: string): string {
  const m = Number(max);
  return m > 0 ? `${Math.min(100, (Number(level.cumulative) / m) * 100).toFixed(1)}%` : '0%';
}

const ROWS = 12;

/** Depth ladder: asks above the spread (best ask nearest it), bids below, cumulative size bars. Live from the book store. */
export function OrderBook() {
  const book = useMarket((s) => s.book);
  const asks = (book?.asks ?? []).slice(0, ROWS).reverse();
  const bids = (book?.bids ?? []).slice(0, ROWS);
  const stats = bookStats(); // read at render (once per frame at most): tests and the benchmark read them off the element
  const max = [asks[0]?.cumulative, bids[bids.length - 1]?.cumulative].reduce<string>((m, c) => (c !== undefined && Number(c) > Number(m) ? c : m), '0');
  const row = (l: BookLevelView, side: 'bid' | 'ask') => (
    <tr key={`${side}${l.price}`} className={`book-row ${side}`} style={{ ['--depth' as string]: depthPct(l, max) }}>
      <td className={`num ${side === 'bid' ? 'pos' : 'neg'}`}>{usd(l.price, 4)}</td>
      <td className="num">{qty(l.quantity)}</td>
      <td className="num muted">{qty(l.cumulative)}</td>
    </tr>
  );
  return (
    <section className="card book" aria-label="Order book" data-testid="order-book" data-seq={book?.seq ?? -1} data-deltas-applied={stats.deltas_applied} data-gaps={stats.gaps}>
      <h2>Order book</h2>
      <table className="table compact">
        <thead><tr><th className="num">Price</th><th className="num">Size</th><th className="num">Total</th></tr></thead>
        <tbody>
          {asks.map((l) => row(l, 'ask'))}
          <tr className="spread-row"><td colSpan={3} className="muted small">Spread {book?.spread !== null && book?.spread !== undefined ? usd(book.spread, 4) : '—'}</td></tr>
          {bids.map((l) => row(l, 'bid'))}
          {!book && <tr><td colSpan={3} className="muted">Waiting for the book…</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
