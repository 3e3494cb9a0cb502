import { useLayoutEffect, useRef, useState } from 'react';
import { bookStats, useMarket } from '../store';
import { StaleTag } from './StaleTag';
import { qty, usd } from '../format';
import type { BookLevelView } from '../store/book';
import { GROUPINGS, groupLevels } from './book-group';
import { useTicket } from './trade/ticket-store';

/** Share of the deepest cumulative size shown, for the depth bar (pixels only, never an amount). */
function depthPct(level: BookLevelView, max: string): string {
  const m = Number(max);
  return m > 0 ? `${Math.min(100, (Number(level.cumulative) / m) * 100).toFixed(1)}%` : '0%';
}

/** Levels per side when the ladder is not fitted to a panel (the stacked layout). */
const ROWS = 12;
/** Fitted to its panel: at least this many levels per side (the panel scrolls below that), at most the view's depth. */
const FIT_MIN_ROWS = 3;
const FIT_MAX_ROWS = 30;

/**
 * Levels per side that fill the section's height with the spread in the middle: a trader
 * sees as many bids as asks whatever the panel's size. Measured from a rendered row.
 */
function useFittedRows(fit: boolean): [React.RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement>(null);
  const [rows, setRows] = useState(ROWS);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!fit || !el) return;
    const measure = () => {
      const body = el.querySelector('tbody');
      const spread = el.querySelector<HTMLElement>('tr.spread-row');
      const row = el.querySelector<HTMLElement>('tr.book-row');
      if (!body || !spread) return;
      const row_px = row?.offsetHeight || 21;
      const top_px = body.getBoundingClientRect().top - el.getBoundingClientRect().top;
      const padding_px = parseFloat(getComputedStyle(el).paddingBottom) || 0;
      const free_px = el.clientHeight - top_px - spread.offsetHeight - padding_px;
      setRows(Math.max(FIT_MIN_ROWS, Math.min(FIT_MAX_ROWS, Math.floor(free_px / row_px / 2))));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [fit]);
  return [ref, fit ? rows : ROWS];
}

/**
 * Depth ladder: asks above the spread (best ask nearest it), bids below, cumulative size bars,
 * price grouping. Clicking a price puts it in the order ticket; Shift+click also the size up
 * to that level. Live from the book store.
 */
export function OrderBook({ fit = false }: { fit?: boolean }) {
  const [ref, rows] = useFittedRows(fit);
  const book = useMarket((s) => s.book);
  const fill = useTicket((s) => s.fillFromBook);
  const [step, setStep] = useState<string>(GROUPINGS[0]);
  const asks = groupLevels(book?.asks ?? [], step, 'asks').slice(0, rows).reverse();
  const bids = groupLevels(book?.bids ?? [], step, 'bids').slice(0, rows);
  const stats = bookStats(); // read at render (once per frame at most): tests and the benchmark read them off the element
  const max = [asks[0]?.cumulative, bids[bids.length - 1]?.cumulative].reduce<string>((m, c) => (c !== undefined && Number(c) > Number(m) ? c : m), '0');
  const row = (l: BookLevelView, side: 'bid' | 'ask') => (
    <tr key={`${side}${l.price}`} className={`book-row ${side}`} style={{ ['--depth' as string]: depthPct(l, max) }}>
      <td className="num">
        <button type="button" className={`level ${side === 'bid' ? 'pos' : 'neg'}`} title="Use this price (Shift: and the size to here)"
          aria-label={`${side === 'bid' ? 'Bid' : 'Ask'} ${l.price}, ${l.quantity} tokens`}
          onClick={(e) => fill(l.price, e.shiftKey ? l.cumulative : undefined)}>
          {usd(l.price, 4)}
        </button>
      </td>
      <td className="num">{qty(l.quantity)}</td>
      <td className="num muted">{qty(l.cumulative)}</td>
    </tr>
  );
  return (
    <section ref={ref} className="card book" aria-label="Order book" data-testid="order-book" data-seq={book?.seq ?? -1} data-deltas-applied={stats.deltas_applied} data-gaps={stats.gaps}>
      <div className="panel-head">
        <h2>Order book <StaleTag /></h2>
        <label className="small muted">
          Group
          <select value={step} onChange={(e) => setStep(e.target.value)} aria-label="Price grouping">
            {GROUPINGS.map((g) => <option key={g} value={g}>{g}</option>)}
          </select>
        </label>
      </div>
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
