// The order book in the renderer: applied outside React as deltas arrive (a Map per side),
// published to the market store at most once per animation frame. A delta that does not
// follow the last applied seq is never applied: the book is fetched afresh (counted, logged).
import { dec } from '../../../shared/money';
import type { BookUpdate, WalletApi } from '../../../shared/contract/wallet-api';

/** Levels per side handed to the screen. */
export const BOOK_VIEW_DEPTH = 40;
/** Deltas held while a fresh snapshot is fetched. */
const RESYNC_BUFFER_MAX = 10_000;

export interface BookLevelView {
  price: string;
  quantity: string;
  /** Sum of quantities from the best level to this one (exact decimal). */
  cumulative: string;
}
export interface BookView {
  seq: number;
  bids: BookLevelView[];
  asks: BookLevelView[];
  /** best ask − best bid, null when a side is empty. */
  spread: string | null;
}
export interface BookStats {
  deltas_applied: number;
  gaps: number;
  snapshots: number;
}

type Delta = Extract<BookUpdate, { kind: 'delta' }>;

export class RendererBook {
  private seq = -1;
  private readonly bids = new Map<string, string>();
  private readonly asks = new Map<string, string>();
  private resync: Delta[] | null = null;
  private frame_pending = false;
  readonly stats: BookStats = { deltas_applied: 0, gaps: 0, snapshots: 0 };

  constructor(
    private readonly api: () => Pick<WalletApi, 'getOrderBook'>,
    private readonly publish: (view: BookView) => void,
    private readonly schedule: (fn: () => void) => void = (fn) => requestAnimationFrame(fn),
  ) {}

  onUpdate(u: BookUpdate): void {
    if (u.kind === 'snapshot') return this.reset(u.book);
    if (this.resync) {
      if (this.resync.length < RESYNC_BUFFER_MAX) this.resync.push(u);
      return;
    }
    if (u.seq <= this.seq) return; // already in the snapshot
    if (this.seq < 0 || u.seq !== this.seq + 1) return this.gap(u);
    this.apply(u);
  }

  private apply(d: Delta): void {
    for (const c of d.changes) {
      const side = c.side === 'buy' ? this.bids : this.asks;
      if (dec(c.quantity).isZero()) side.delete(c.price);
      else side.set(c.price, c.quantity);
    }
    this.seq = d.seq;
    this.stats.deltas_applied += 1;
    this.changed();
  }

  reset(book: { seq: number; bids: [string, string][]; asks: [string, string][] }): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of book.bids) this.bids.set(p, q);
    for (const [p, q] of book.asks) this.asks.set(p, q);
    this.seq = book.seq;
    this.stats.snapshots += 1;
    const buffered = this.resync;
    this.resync = null;
    this.changed();
    for (const d of (buffered ?? []).sort((a, b) => a.seq - b.seq)) this.onUpdate(d);
  }

  private gap(first: Delta): void {
    this.stats.gaps += 1;
    console.warn(`order book: sequence gap (delta ${first.seq} after ${this.seq}); fetching a fresh book`);
    this.resync = [first];
    void this.api().getOrderBook({ depth: 500 }).then(
      (r) => {
        if (r.book) this.reset(r.book);
        else this.resync = null;
      },
      () => {
        this.resync = null; // the next delta finds the gap again and retries
      },
    );
  }

  private changed(): void {
    if (this.frame_pending) return;
    this.frame_pending = true;
    this.schedule(() => {
      this.frame_pending = false;
      this.publish(this.view());
    });
  }

  view(depth = BOOK_VIEW_DEPTH): BookView {
    // Ordering only (never arithmetic): a price has at most 4 decimals, exact in a double.
    const side = (m: Map<string, string>, desc: boolean): BookLevelView[] => {
      const levels = [...m.entries()].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]))).slice(0, depth);
      let cum = dec('0');
      return levels.map(([price, quantity]) => {
        cum = cum.plus(dec(quantity));
        return { price, quantity, cumulative: cum.toFixed() };
      });
    };
    const bids = side(this.bids, true);
    const asks = side(this.asks, false);
    const spread = bids[0] && asks[0] ? dec(asks[0].price).minus(dec(bids[0].price)).toFixed() : null;
    return { seq: this.seq, bids, asks, spread };
  }
}
