// The lot pools: the order in which disposals without specific lots take pieces (FIFO, LIFO,
// HIFO), each kept incrementally as pieces enter, change and empty. Split from book.ts.
import { compareRatios } from './fixed.js';
import type { LotBook } from './book.js';

/** A heap entry keeps the key as it was when pushed: a piece that changes later gets a new entry and this one goes stale. */
interface HeapEntry {
  p: number;
  v: number;
  basis: number;
  qty: number;
}

/** Where disposals without specific lots take from, in the order of the standing method. */
export interface Pool {
  /** The next piece to take from, or -1 when nothing is held. */
  peek(): number;
  /** A piece entered the pool (acquired, or split off a held piece). */
  add(p: number): void;
  /** A held piece's basis or quantity changed (only HIFO cares). */
  changed(p: number): void;
  /** The held pieces in the order disposals would take them, without changing anything (what-if). */
  order(): Iterable<number>;
}

/** FIFO: acquisitions in time order; pieces of one acquisition in piece order. */
export class FifoPool implements Pool {
  private head = 0;
  constructor(private readonly book: LotBook) {}
  peek(): number {
    while (this.head < this.book.acquiredThrough) {
      const p = this.book.firstHeld(this.head);
      if (p >= 0) return p;
      this.head++; // an emptied acquisition never fills again
    }
    return -1;
  }
  add(): void {}
  changed(): void {}
  *order(): Iterable<number> {
    const b = this.book;
    for (let a = this.head; a < b.acquiredThrough; a++) for (const p of b.piecesOf(a)) if ((b.pQty[p] as number) > 0) yield p;
  }
}

/** LIFO: a stack of acquisitions; emptied ones are dropped when they reach the top. */
export class LifoPool implements Pool {
  private readonly stack: number[] = [];
  constructor(private readonly book: LotBook) {
    for (let a = 0; a < book.acquiredThrough; a++) this.stack.push(a);
  }
  peek(): number {
    for (;;) {
      const a = this.stack[this.stack.length - 1];
      if (a === undefined) return -1;
      const p = this.book.firstHeld(a);
      if (p >= 0) return p;
      this.stack.pop();
    }
  }
  add(p: number): void {
    if (this.book.pNo[p] === 0) this.stack.push(this.book.pAcq[p] as number); // later pieces belong to a stacked acquisition
  }
  changed(): void {}
  *order(): Iterable<number> {
    const b = this.book;
    for (let i = this.stack.length - 1; i >= 0; i--) for (const p of b.piecesOf(this.stack[i] as number)) if ((b.pQty[p] as number) > 0) yield p;
  }
}

/** HIFO: a heap on remaining basis per unit (exact), ties FIFO; changed pieces are re-queued. */
export class HifoPool implements Pool {
  private readonly a: HeapEntry[] = [];
  constructor(private readonly book: LotBook) {
    for (let acq = 0; acq < book.acquiredThrough; acq++) for (const p of book.piecesOf(acq)) if ((book.pQty[p] as number) > 0) this.add(p);
  }
  private cmp(x: HeapEntry, y: HeapEntry): number {
    const b = this.book;
    return -compareRatios(x.basis, x.qty, y.basis, y.qty) || (b.pAcq[x.p] as number) - (b.pAcq[y.p] as number) || (b.pNo[x.p] as number) - (b.pNo[y.p] as number);
  }
  peek(): number {
    const b = this.book;
    for (;;) {
      const top = this.a[0];
      if (!top) return -1;
      if (top.v === b.pVersion[top.p] && (b.pQty[top.p] as number) > 0) return top.p;
      this.pop();
    }
  }
  add(p: number): void {
    const b = this.book;
    const a = this.a;
    const e: HeapEntry = { p, v: b.pVersion[p] as number, basis: b.pBasis[p] as number, qty: b.pQty[p] as number };
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pe = a[parent] as HeapEntry;
      if (this.cmp(e, pe) >= 0) break;
      a[i] = pe;
      i = parent;
    }
    a[i] = e;
  }
  changed(p: number): void {
    const b = this.book;
    b.pVersion[p] = (b.pVersion[p] as number) + 1;
    if ((b.pQty[p] as number) > 0) this.add(p);
  }
  /** Best-first walk of the heap (a small heap of heap positions): sorted, nothing popped. */
  *order(): Iterable<number> {
    const b = this.book;
    const a = this.a;
    if (a.length === 0) return;
    const less = (i: number, j: number): boolean => this.cmp(a[i] as HeapEntry, a[j] as HeapEntry) < 0;
    const frontier = [0];
    while (frontier.length > 0) {
      const i = frontier[0] as number;
      const last = frontier.pop() as number;
      if (frontier.length > 0) {
        // Sift `last` down from the root.
        let k = 0;
        for (;;) {
          const l = 2 * k + 1;
          if (l >= frontier.length) break;
          const r = l + 1;
          const c = r < frontier.length && less(frontier[r] as number, frontier[l] as number) ? r : l;
          if (!less(frontier[c] as number, last)) break;
          frontier[k] = frontier[c] as number;
          k = c;
        }
        frontier[k] = last;
      }
      const e = a[i] as HeapEntry;
      if (e.v === b.pVersion[e.p] && (b.pQty[e.p] as number) > 0) yield e.p;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child >= a.length) continue;
        // Sift up.
        let k = frontier.length;
        frontier.push(child);
        while (k > 0) {
          const parent = (k - 1) >> 1;
          if (!less(child, frontier[parent] as number)) break;
          frontier[k] = frontier[parent] as number;
          k = parent;
        }
        frontier[k] = child;
      }
    }
  }
  private pop(): void {
    const a = this.a;
    const last = a.pop();
    if (!last || a.length === 0) return;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.cmp(a[r] as HeapEntry, a[l] as HeapEntry) < 0) c = r;
      if (this.cmp(a[c] as HeapEntry, last) >= 0) break;
      a[i] = a[c] as HeapEntry;
      i = c;
    }
    a[i] = last;
  }
}
