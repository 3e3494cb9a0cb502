// The lot book: lots, lot selection (FIFO / LIFO / HIFO standing orders, specific
// identification), pro-rata basis splits to the cent, holding periods and wash sales.
// Events are applied in time order; every invariant is asserted (a wrong 8949 is worse than none).
import { compareRatios, formatQtyN as fmtQ, mulDivRoundN as mulDivRound } from './fixed.js';
import { longTermThresholdDay } from './dates.js';
import type { Ev } from './prepare.js';
import { TaxInputError, type LotMethod } from './types.js';

/** Wash-sale window: 30 days before and after the sale (61 days). */
export const WASH_WINDOW_DAYS = 30;

export interface Acq {
  idx: number;
  ev: Ev;
  pieces: Piece[];
  /** In the pool (acquired at or before the current event). */
  available: boolean;
}

/** A lot, or a piece of one split off when part of it became a wash-sale replacement. */
export interface Piece {
  acq: Acq;
  no: number;
  /** Remaining quantity (qu) and basis (cents). */
  qty: number;
  basis: number;
  origQty: number;
  origBasis: number;
  holdDay: number;
  /** Last short-term day: long-term iff the disposal day is after it. */
  threshold: number;
  /** These units already absorbed a disallowed loss (a unit absorbs only one). */
  absorbed: boolean;
  washAdj: number;
  version: number;
}

/** One portion of one piece taken by a disposal. */
export interface Portion {
  piece: Piece;
  /** Holding start and threshold at the time of the disposal. */
  holdDay: number;
  threshold: number;
  qty: number;
  basis: number;
  proceeds: number;
  adjustment: number;
  code: '' | 'W';
}

export interface Disposal {
  ev: Ev;
  method: LotMethod;
  portions: Portion[];
}

/** A heap entry keeps the key as it was when pushed: a piece that changes later gets a new entry and this one goes stale. */
interface HeapEntry {
  p: Piece;
  v: number;
  basis: number;
  qty: number;
}

type Cmp = (a: HeapEntry, b: HeapEntry) => number;

const fifoOrder = (a: Piece, b: Piece): number => a.acq.idx - b.acq.idx || a.no - b.no;
/** Highest remaining basis per unit first (exact cross-multiplication); ties FIFO. */
const hifo: Cmp = (a, b) => -compareRatios(a.basis, a.qty, b.basis, b.qty) || fifoOrder(a.p, b.p);

/** A binary heap of pieces with lazy deletion (stale versions and empty pieces are skipped). */
class PieceHeap {
  private a: HeapEntry[] = [];
  constructor(readonly cmp: Cmp) {}
  push(p: Piece): void {
    const a = this.a;
    const e: HeapEntry = { p, v: p.version, basis: p.basis, qty: p.qty };
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
  /** The best live piece, dropping stale entries. */
  peek(): Piece | null {
    for (;;) {
      const top = this.a[0];
      if (!top) return null;
      if (top.v === top.p.version && top.p.qty > 0) return top.p;
      this.pop();
    }
  }
  pop(): void {
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

/** Where disposals without specific lots take from, in the order of the standing method. */
interface Pool {
  /** The next piece to take from, or null when nothing is held. */
  peek(): Piece | null;
  /** A piece entered the pool (acquired, or split off a held piece). */
  add(p: Piece): void;
  /** A held piece's basis or quantity changed (only HIFO cares). */
  changed(p: Piece): void;
}

/** FIFO: acquisitions in time order; pieces of one acquisition in piece order. */
class FifoPool implements Pool {
  private head = 0;
  constructor(private readonly book: LotBook) {}
  peek(): Piece | null {
    const acqs = this.book.acqs;
    while (this.head < this.book.acquiredThrough) {
      const acq = acqs[this.head] as Acq;
      for (const p of acq.pieces) if (p.qty > 0) return p;
      this.head++; // an emptied acquisition never fills again
    }
    return null;
  }
  add(): void {}
  changed(): void {}
}

/** LIFO: a stack of acquisitions; emptied ones are dropped when they reach the top. */
class LifoPool implements Pool {
  private readonly stack: Acq[] = [];
  constructor(book: LotBook) {
    for (let i = 0; i < book.acquiredThrough; i++) this.stack.push(book.acqs[i] as Acq);
  }
  peek(): Piece | null {
    for (;;) {
      const acq = this.stack[this.stack.length - 1];
      if (!acq) return null;
      for (const p of acq.pieces) if (p.qty > 0) return p;
      this.stack.pop();
    }
  }
  add(p: Piece): void {
    if (p.no === 0) this.stack.push(p.acq); // later pieces belong to an acquisition already stacked
  }
  changed(): void {}
}

/** HIFO: a heap on remaining basis per unit (exact), ties FIFO; changed pieces are re-queued. */
class HifoPool implements Pool {
  private readonly heap = new PieceHeap(hifo);
  constructor(book: LotBook) {
    for (let i = 0; i < book.acquiredThrough; i++) for (const p of (book.acqs[i] as Acq).pieces) if (p.qty > 0) this.heap.push(p);
  }
  peek(): Piece | null {
    return this.heap.peek();
  }
  add(p: Piece): void {
    this.heap.push(p);
  }
  changed(p: Piece): void {
    p.version++;
    if (p.qty > 0) this.heap.push(p);
  }
}

function assert(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`tax engine invariant violated: ${what}`);
}

export interface BookOptions {
  methodOrders: { ms: number; method: LotMethod }[];
  washSale: boolean;
}

export class LotBook {
  readonly acqs: Acq[] = [];
  /** Acquisitions by id, built on the first specific-ID disposal (most years have none). */
  private byIdMap: Map<string, Acq> | null = null;
  private pool: Pool;
  private poolMethod: LotMethod;
  private orderIdx = -1;
  /** Sum of remaining quantity of available pieces. */
  held = 0;
  washDisallowed = 0;
  /** Union-find "next acquisition that may still be a wash replacement". */
  private nextEligible: Int32Array | null = null;
  /** Acquisitions [0, acquiredThrough) are in the pool. */
  acquiredThrough = 0;

  constructor(acquisitions: readonly Ev[], readonly opts: BookOptions) {
    for (const ev of acquisitions) {
      const acq: Acq = { idx: this.acqs.length, ev, pieces: [], available: false };
      const piece: Piece = {
        acq, no: 0, qty: ev.qty, basis: ev.cents, origQty: ev.qty, origBasis: ev.cents, holdDay: ev.day,
        threshold: longTermThresholdDay(ev.day), absorbed: false, washAdj: 0, version: 0,
      };
      acq.pieces.push(piece);
      this.acqs.push(acq);
    }
    if (opts.washSale) {
      this.nextEligible = new Int32Array(this.acqs.length + 1);
      for (let i = 0; i <= this.acqs.length; i++) this.nextEligible[i] = i;
    }
    for (let i = 1; i < opts.methodOrders.length; i++) {
      assert((opts.methodOrders[i - 1] as { ms: number }).ms < (opts.methodOrders[i] as { ms: number }).ms, 'method orders increase in time');
    }
    this.poolMethod = 'fifo';
    this.pool = new FifoPool(this);
  }

  private byId(): Map<string, Acq> {
    if (!this.byIdMap) {
      this.byIdMap = new Map();
      for (const acq of this.acqs) this.byIdMap.set(acq.ev.id, acq);
    }
    return this.byIdMap;
  }

  /** The standing order in force at `ms` (FIFO before the first order). */
  methodAt(ms: number): LotMethod {
    let m: LotMethod = 'fifo';
    for (const o of this.opts.methodOrders) {
      if (o.ms <= ms) m = o.method;
      else break;
    }
    return m;
  }

  /** Makes the method in force at `ms` the heap order (orders only move forward in time). */
  private advanceMethod(ms: number): LotMethod {
    const orders = this.opts.methodOrders;
    while (this.orderIdx + 1 < orders.length && (orders[this.orderIdx + 1] as { ms: number }).ms <= ms) this.orderIdx++;
    const method = this.orderIdx >= 0 ? (orders[this.orderIdx] as { method: LotMethod }).method : 'fifo';
    const order = method === 'specific' ? 'fifo' : method;
    if (order !== this.poolMethod) {
      this.poolMethod = order;
      this.pool = order === 'lifo' ? new LifoPool(this) : order === 'hifo' ? new HifoPool(this) : new FifoPool(this);
    }
    return method;
  }

  /** Tells the pool that a held piece changed (HIFO re-queues it). */
  private touched(p: Piece): void {
    if (p.acq.available) this.pool.changed(p);
  }

  acquire(acqIdx: number): void {
    const acq = this.acqs[acqIdx];
    assert(acq !== undefined && !acq.available && acqIdx === this.acquiredThrough, 'acquisitions enter the pool in time order');
    acq.available = true;
    this.acquiredThrough++;
    for (const p of acq.pieces) {
      if (p.qty > 0) {
        this.pool.add(p);
        this.held += p.qty;
      }
    }
  }

  /** Applies a sell or redeem. Throws TaxInputError (nothing changed) on an impossible disposal. */
  dispose(ev: Ev): Disposal {
    const standing = this.advanceMethod(ev.ms);
    if (ev.qty > this.held) {
      throw new TaxInputError(`${ev.type} of ${fmtQ(ev.qty)} but only ${fmtQ(this.held)} held at ${new Date(ev.ms).toISOString()}`, 'quantity', ev.id, ev.row);
    }
    let taken: { piece: Piece; qty: number; basis: number }[];
    let method: LotMethod;
    if (ev.lots) {
      taken = this.takeSpecific(ev);
      method = 'specific';
    } else {
      if (standing === 'specific') {
        throw new TaxInputError('the standing order is specific identification, so this disposal must name its lots', 'lots', ev.id, ev.row);
      }
      taken = this.takeByHeap(ev.qty);
      method = standing;
    }
    this.held -= ev.qty;
    const portions = this.allocateProceeds(ev, taken);
    const d: Disposal = { ev, method, portions };
    if (this.opts.washSale) this.applyWashSale(d);
    return d;
  }

  private takeByHeap(qty: number): { piece: Piece; qty: number; basis: number }[] {
    const out: { piece: Piece; qty: number; basis: number }[] = [];
    let need = qty;
    while (need > 0) {
      const p = this.pool.peek();
      assert(p !== null, 'the pool holds what `held` says');
      const take = need < p.qty ? need : p.qty;
      out.push({ piece: p, qty: take, basis: this.split(p, take) });
      need -= take;
      if (p.qty > 0) this.pool.changed(p);
    }
    return out;
  }

  /** Removes `take` units from a piece; returns their basis: pro rata, rounded to the cent, the last portion gets the rest. */
  private split(p: Piece, take: number): number {
    assert(take > 0 && take <= p.qty, 'split takes a positive part of the piece');
    const basis = take === p.qty ? p.basis : mulDivRound(p.basis, take, p.qty);
    assert(basis >= 0 && basis <= p.basis, 'portion basis within the piece basis');
    p.qty -= take;
    p.basis -= basis;
    return basis;
  }

  private takeSpecific(ev: Ev): { piece: Piece; qty: number; basis: number }[] {
    const refs = ev.lots ?? [];
    // Check everything first so a bad reference changes nothing.
    for (const ref of refs) {
      const acq = this.byId().get(ref.id);
      if (!acq) throw new TaxInputError(`lot ${JSON.stringify(ref.id)} does not exist (no buy, mint or income row has that id)`, 'lots', ev.id, ev.row);
      if (!acq.available) throw new TaxInputError(`lot ${JSON.stringify(ref.id)} is acquired after this disposal`, 'lots', ev.id, ev.row);
      let left = 0;
      for (const p of acq.pieces) left += p.qty;
      if (left < ref.qty) {
        throw new TaxInputError(
          left === 0 ? `lot ${JSON.stringify(ref.id)} is already used up` : `lot ${JSON.stringify(ref.id)} has only ${fmtQ(left)} left, not ${fmtQ(ref.qty)}`,
          'lots', ev.id, ev.row,
        );
      }
    }
    const out: { piece: Piece; qty: number; basis: number }[] = [];
    for (const ref of refs) {
      const acq = this.byId().get(ref.id) as Acq;
      let need = ref.qty;
      for (const p of acq.pieces) {
        if (need === 0) break;
        if (p.qty === 0) continue;
        const take = need < p.qty ? need : p.qty;
        out.push({ piece: p, qty: take, basis: this.split(p, take) });
        need -= take;
        this.touched(p);
      }
      assert(need === 0, 'specific lot fully taken');
    }
    return out;
  }

  /** Splits the disposal's proceeds over its portions pro rata, to the cent, summing exactly. */
  private allocateProceeds(ev: Ev, taken: { piece: Piece; qty: number; basis: number }[]): Portion[] {
    let procLeft = ev.cents;
    let qtyLeft = ev.qty;
    const out: Portion[] = [];
    for (const t of taken) {
      const proceeds = t.qty === qtyLeft ? procLeft : mulDivRound(procLeft, t.qty, qtyLeft);
      procLeft -= proceeds;
      qtyLeft -= t.qty;
      out.push({ piece: t.piece, holdDay: t.piece.holdDay, threshold: t.piece.threshold, qty: t.qty, basis: t.basis, proceeds, adjustment: 0, code: '' });
    }
    assert(qtyLeft === 0 && procLeft === 0, 'proceeds fully allocated');
    return out;
  }

  // ---- wash sales (IRC 1091) ----

  private findEligible(i: number): number {
    const ne = this.nextEligible as Int32Array;
    let r = i;
    while (ne[r] !== r) r = ne[r] as number;
    let j = i;
    while (ne[j] !== r) {
      const n = ne[j] as number;
      ne[j] = r;
      j = n;
    }
    return r;
  }

  /** First acquisition index whose day is >= day (acquisitions are in time order). */
  private lowerBoundDay(day: number): number {
    let lo = 0, hi = this.acqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.acqs[mid] as Acq).ev.day < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private applyWashSale(d: Disposal): void {
    const saleDay = d.ev.day;
    for (const portion of d.portions) {
      const loss = portion.basis - portion.proceeds;
      if (loss <= 0) continue;
      // Rev. Rul. 56-602: units left from the same purchase as the loss units are not replacements.
      // (Units sold by this disposal are already out of the book, so they cannot match either.)
      const matches = this.matchReplacements(portion.qty, saleDay, portion.piece.acq.idx);
      if (matches.length === 0) continue;
      let matched = 0;
      for (const m of matches) matched += m.qty;
      const disallowed = matched === portion.qty ? loss : mulDivRound(loss, matched, portion.qty);
      assert(disallowed >= 0 && disallowed <= loss, 'disallowed loss within the loss');
      portion.adjustment += disallowed;
      // A disallowed amount that rounds to zero cents changes no column; the form wants a code only with an amount.
      if (disallowed > 0) portion.code = 'W';
      this.washDisallowed += disallowed;
      const daysHeld = saleDay - portion.holdDay;
      let left = disallowed;
      let qtyLeft = matched;
      for (const m of matches) {
        const share = m.qty === qtyLeft ? left : mulDivRound(left, m.qty, qtyLeft);
        left -= share;
        qtyLeft -= m.qty;
        const p = m.piece;
        p.basis += share;
        p.origBasis += share;
        p.washAdj += share;
        p.holdDay = p.acq.ev.day - daysHeld;
        p.threshold = longTermThresholdDay(p.holdDay);
        this.touched(p);
      }
      assert(left === 0 && qtyLeft === 0, 'disallowed loss fully placed');
    }
  }

  /** Marks up to `units` replacement units (earliest acquired first) as absorbing this loss. */
  private matchReplacements(units: number, saleDay: number, excluded: number): { piece: Piece; qty: number }[] {
    const out: { piece: Piece; qty: number }[] = [];
    let need = units;
    let i = this.findEligible(this.lowerBoundDay(saleDay - WASH_WINDOW_DAYS));
    while (need > 0 && i < this.acqs.length) {
      const acq = this.acqs[i] as Acq;
      if (acq.ev.day > saleDay + WASH_WINDOW_DAYS) break;
      if (i !== excluded) {
        for (let k = 0; k < acq.pieces.length && need > 0; k++) {
          const p = acq.pieces[k] as Piece;
          if (p.absorbed || p.qty === 0) continue;
          const m = need < p.qty ? need : p.qty;
          out.push({ piece: m === p.qty ? this.absorbWhole(p) : this.splitOff(p, m), qty: m });
          need -= m;
        }
        if (acq.pieces.every((p) => p.absorbed || p.qty === 0)) (this.nextEligible as Int32Array)[i] = i + 1;
      }
      i = this.findEligible(i + 1);
    }
    return out;
  }

  private absorbWhole(p: Piece): Piece {
    p.absorbed = true;
    return p;
  }

  /** Splits `m` units off a piece into a new absorbed piece of the same acquisition. */
  private splitOff(p: Piece, m: number): Piece {
    const basis = this.split(p, m);
    const np: Piece = {
      acq: p.acq, no: p.acq.pieces.length, qty: m, basis, origQty: m, origBasis: basis, holdDay: p.holdDay,
      threshold: p.threshold, absorbed: true, washAdj: 0, version: 0,
    };
    p.origQty -= m;
    p.origBasis -= basis;
    p.acq.pieces.push(np);
    if (p.acq.available) {
      this.pool.add(np);
      this.touched(p);
    }
    return np;
  }
}
