// The order book's two sides as one client applies them: a snapshot, then the deltas of each
// book seq in order. A delta that does not follow the last applied seq is never applied (the
// caller fetches a fresh snapshot): a wrong book is worse than a stale one for a moment.
// Used by the wallet's market feed (main process) and the renderer's book store alike.
import { dec } from '../money.js';
import type { BookDelta } from '../platform/api.js';

export type ApplyResult = 'applied' | 'stale' | 'gap';

export class BookSides {
  private seq_ = -1;
  private readonly bids = new Map<string, string>();
  private readonly asks = new Map<string, string>();

  /** True once a snapshot arrived. */
  get ready(): boolean {
    return this.seq_ >= 0;
  }

  get seq(): number {
    return this.seq_;
  }

  reset(book: { seq: number; bids: readonly (readonly [string, string])[]; asks: readonly (readonly [string, string])[] }): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of book.bids) this.bids.set(p, q);
    for (const [p, q] of book.asks) this.asks.set(p, q);
    this.seq_ = book.seq;
  }

  /** Applies the deltas of book seq `seq` when it follows the last applied one. */
  apply(seq: number, changes: readonly BookDelta[]): ApplyResult {
    if (!this.ready) return 'gap';
    if (seq <= this.seq_) return 'stale';
    if (seq !== this.seq_ + 1) return 'gap';
    for (const c of changes) {
      const side = c.side === 'buy' ? this.bids : this.asks;
      if (dec(c.quantity).isZero()) side.delete(c.price);
      else side.set(c.price, c.quantity);
    }
    this.seq_ = seq;
    return 'applied';
  }

  /** Best levels first (bids high to low, asks low to high), at most `depth`. */
  levels(side: 'bids' | 'asks', depth: number): [string, string][] {
    const desc = side === 'bids';
    // Ordering only, never arithmetic: a price has at most 4 decimals, exact in its order as a double.
    return [...this[side].entries()].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]))).slice(0, depth);
  }
}
