// The order book as this wallet's market feed holds it (shared/market/book.ts applies it),
// with the time of the last change, for `getOrderBook`.
import type { BookDelta, BookSnapshot } from '../../../shared/platform/api.js';
import { assert } from '../../../shared/assert.js';
import { BookSides, type ApplyResult } from '../../../shared/market/book.js';

/** Levels kept per side: the platform's snapshot depth; deeper levels from deltas are dropped on output. */
export const BOOK_LEVELS_MAX = 500;

export type { ApplyResult };

export class LocalBook {
  private readonly sides = new BookSides();
  private time = '';

  /** True once a snapshot arrived. */
  get ready(): boolean {
    return this.sides.ready;
  }

  get last_seq(): number {
    return this.sides.seq;
  }

  reset(s: BookSnapshot): void {
    this.sides.reset(s);
    this.time = s.time;
  }

  /** Applies the deltas of book seq `seq` when it follows the last applied one. */
  apply(seq: number, changes: readonly BookDelta[], time: string): ApplyResult {
    const r = this.sides.apply(seq, changes);
    if (r === 'applied') this.time = time;
    return r;
  }

  /** Best levels first, at most `depth` per side. */
  snapshot(symbol: BookSnapshot['symbol'], depth = BOOK_LEVELS_MAX): BookSnapshot {
    assert(this.ready, 'book snapshot asked before the first snapshot');
    assert(Number.isInteger(depth) && depth > 0 && depth <= BOOK_LEVELS_MAX, `book depth ${depth}`);
    return { symbol, seq: this.sides.seq, bids: this.sides.levels('bids', depth), asks: this.sides.levels('asks', depth), time: this.time };
  }
}
