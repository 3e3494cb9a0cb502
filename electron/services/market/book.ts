// The order book as this wallet sees it: a snapshot, then deltas applied in sequence. A delta
// that does not follow the last applied seq is never applied: the caller fetches a fresh
// snapshot (a wrong book is worse than a stale one for a moment).
import { dec } from '../../../shared/money.js';
import type { BookDelta, BookSnapshot } from '../../../shared/platform/api.js';
import { assert } from '../../../shared/assert.js';

/** Levels kept per side: the platform's snapshot depth; deeper levels from deltas are dropped on output. */
export const BOOK_LEVELS_MAX = 500;

export type ApplyResult = 'applied' | 'stale' | 'gap';

export class LocalBook {
  private seq = -1;
  private readonly bids = new Map<string, string>();
  private readonly asks = new Map<string, string>();
  private time = '';

  /** True once a snapshot arrived. */
  get ready(): boolean {
    return this.seq >= 0;
  }

  get last_seq(): number {
    return this.seq;
  }

  reset(s: BookSnapshot): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of s.bids) this.bids.set(p, q);
    for (const [p, q] of s.asks) this.asks.set(p, q);
    this.seq = s.seq;
    this.time = s.time;
  }

  /** Applies the deltas of book seq `seq` when it follows the last applied one. */
  apply(seq: number, changes: readonly BookDelta[], time: string): ApplyResult {
    if (!this.ready) return 'gap';
    if (seq <= this.seq) return 'stale';
    if (seq !== this.seq + 1) return 'gap';
    for (const c of changes) {
      const side = c.side === 'buy' ? this.bids : this.asks;
      if (dec(c.quantity).isZero()) side.delete(c.price);
      else side.set(c.price, c.quantity);
    }
    this.seq = seq;
    this.time = time;
    return 'applied';
  }

  /** Best levels first, at most `depth` per side. */
  snapshot(symbol: BookSnapshot['symbol'], depth = BOOK_LEVELS_MAX): BookSnapshot {
    assert(this.ready, 'book snapshot asked before the first snapshot');
    assert(Number.isInteger(depth) && depth > 0 && depth <= BOOK_LEVELS_MAX, `book depth ${depth}`);
    const sorted = (m: Map<string, string>, desc: boolean): [string, string][] =>
      [...m.entries()].sort((a, b) => (desc ? dec(b[0]).cmp(dec(a[0])) : dec(a[0]).cmp(dec(b[0])))).slice(0, depth);
    return { symbol, seq: this.seq, bids: sorted(this.bids, true), asks: sorted(this.asks, false), time: this.time };
  }
}
