// The order book in the renderer: applied outside React as deltas arrive (a Map per side),
// published to the market store at most once per animation frame. A delta that does not
// follow the last applied seq is never applied: the book is fetched afresh (counted, logged).
import { dec } from '../../../shared/money';
import type { BookUpdate, WalletApi } from '../../../shared/contract/wallet-api';
import { BookSides } from '../../../shared/market/book';
import { BOOK_DEPTH_MAX } from '../../../shared/platform/api';

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
  private readonly sides = new BookSides();
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
    const r = this.sides.apply(u.seq, u.changes);
    if (r === 'gap') return this.gap(u);
    if (r === 'stale') return; // already in the snapshot
    this.stats.deltas_applied += 1;
    this.changed();
  }

  reset(book: { seq: number; bids: [string, string][]; asks: [string, string][] }): void {
    this.sides.reset(book);
    this.stats.snapshots += 1;
    const buffered = this.resync;
    this.resync = null;
    this.changed();
    for (const d of (buffered ?? []).sort((a, b) => a.seq - b.seq)) this.onUpdate(d);
  }

  private gap(first: Delta): void {
    this.stats.gaps += 1;
    console.warn(`order book: sequence gap (delta ${first.seq} after ${this.sides.seq}); fetching a fresh book`);
    this.resync = [first];
    void this.api().getOrderBook({ depth: BOOK_DEPTH_MAX }).then(
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

  /** The bids held, best first, [price, quantity], deeper than the published view (a sale of
   *  many tokens walks further than the ladder shows). Empty before the first snapshot. */
  bidLevels(depth = BOOK_DEPTH_MAX): [string, string][] {
    return this.sides.levels('bids', depth);
  }

  view(depth = BOOK_VIEW_DEPTH): BookView {
    const side = (which: 'bids' | 'asks'): BookLevelView[] => {
      const levels = this.sides.levels(which, depth);
      let cum = dec('0');
      return levels.map(([price, quantity]) => {
        cum = cum.plus(dec(quantity));
        return { price, quantity, cumulative: cum.toFixed() };
      });
    };
    const bids = side('bids');
    const asks = side('asks');
    const spread = bids[0] && asks[0] ? dec(asks[0].price).minus(dec(bids[0].price)).toFixed() : null;
    return { seq: this.sides.seq, bids, asks, spread };
  }
}
