// The lot book: lots, lot selection (FIFO / LIFO / HIFO standing orders, specific
// identification), pro-rata basis splits to the cent, holding periods and wash sales.
// Events are applied in time order; every invariant is asserted (a wrong 8949 is worse than none).
//
// Lots live in columns (struct of arrays) like the events (see EvStore for why). A lot is an
// acquisition `a`; its first piece has index `a`; a wash sale that matches part of a lot splits
// the matched units off into a new piece of the same acquisition, linked after its last piece
// (pNext / acqLast: a synthetic 1M-transaction year makes 1.3 M such pieces, and a Map of
// arrays for them cost more than the matching itself).
import { formatQtyN as fmtQ, mulDivRoundN as mulDivRound } from './fixed.js';
import { FifoPool, HifoPool, LifoPool, type Pool } from './pools.js';
import { formatISODate, longTermThresholdDay } from './dates.js';
import { WashMatcher, type LateWash } from './wash.js';
import { IdIndex } from './ids.js';
import type { EvStore, LotRef, OrderPick } from './prepare.js';
import { TaxInputError, type LotMethod, type TaxWarning } from './types.js';
import { assert } from '../../../shared/assert.js';

/** One portion of one piece taken by a disposal. */
export interface Portion {
  piece: number;
  /** Event index of the acquisition the piece comes from. */
  lotEv: number;
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
  /** Event index in the store. */
  e: number;
  method: LotMethod;
  portions: Portion[];
}

export interface Taken {
  piece: number;
  qty: number;
  basis: number;
}


export interface BookOptions {
  methodOrders: { ms: number; method: LotMethod }[];
  washSale: boolean;
  /**
   * Incremental use (acquisitions appended as they happen, see appendAcquisition): loss portions
   * not fully matched stay pending for 30 days, so a later purchase can still absorb them.
   */
  trackPending?: boolean;
  /** Under a specific-ID standing order, a disposal naming no lots uses FIFO with a warning (else it is refused). */
  specificFallback?: boolean;
  /**
   * The caller reads each Disposal before the next dispose() and keeps nothing of it (the
   * full-year pass): the book then reuses the Disposal and its Portion objects. Why: with wash
   * sales on, allocating 1.4 M portions (and their Taken records) was a third of the year's
   * compute on a synthetic 1M year (profiled: the object literals, not the arithmetic).
   */
  reuseDisposals?: boolean;
}

/** A disposal that did not take the lots its order chose, and why (reported with the year). */
export interface BookWarning {
  e: number;
  message: string;
}

const INITIAL_EXTRA_PIECES = 64;

export class LotBook {
  nAcq: number;
  /** Event index of each acquisition (acquisitions in time order). */
  acqEv: Int32Array;
  /** First piece of each acquisition (the acquisition's own index, except for appended ones). */
  private acqFirst: Int32Array;
  /** Last piece of each acquisition (where the next split-off piece is linked). */
  private acqLast: Int32Array;
  /** Acquisitions [0, acquiredThrough) are in the pool. */
  acquiredThrough = 0;
  // ---- pieces, struct of arrays ----
  nPieces: number;
  pAcq: Int32Array;
  pNo: Int32Array;
  pQty: Float64Array;
  pBasis: Float64Array;
  pOrigQty: Float64Array;
  pOrigBasis: Float64Array;
  pWashAdj: Float64Array;
  pHold: Int32Array;
  pThreshold: Int32Array;
  pAbsorbed: Uint8Array;
  pVersion: Int32Array;
  /** The acquisition's next piece in creation order, or -1. */
  pNext: Int32Array;
  /** Sum of remaining quantity of pieces in the pool. */
  held = 0;
  /** Remaining quantity and basis of pieces in the pool, by the acquisition's type code. */
  readonly heldQtyByType = new Float64Array(5);
  readonly heldBasisByType = new Float64Array(5);
  /** Wash-sale matching (wash.ts), or null with wash sales off. */
  readonly wash: WashMatcher | null;
  /** Disposals that fell back to the standing method, in the order applied. */
  readonly warnings: BookWarning[] = [];
  /** Units each order's fills have taken from its chosen list so far (fills take the list in order). */
  private readonly orderTaken = new Map<string, number>();
  private byIdMap: IdIndex | null = null;
  private acqOfEv: Int32Array | null = null;
  private pool: Pool;
  private poolMethod: LotMethod = 'fifo';
  private orderIdx = -1;
  /** Taken records of the disposal being applied (always reused: they never leave dispose()). */
  private readonly takenOut: Taken[] = [];
  private readonly takenFree: Taken[] = [];
  /** reuseDisposals: the last Disposal and its portions. */
  private readonly lastDisposal: Disposal = { e: -1, method: 'fifo', portions: [] };
  private readonly portionFree: Portion[] = [];

  constructor(readonly ev: EvStore, acquisitions: Int32Array, readonly opts: BookOptions) {
    const n = acquisitions.length;
    this.nAcq = n;
    this.acqEv = acquisitions;
    this.acqFirst = new Int32Array(n);
    this.acqLast = new Int32Array(n);
    // With wash sales, matched replacements split: a synthetic 1M year ends with ~3.4 pieces per
    // lot. Room for that up front: growing copies every column, and each large new column counts
    // towards V8's external-memory limit (a full GC each time); pages never written cost no RSS.
    const cap = n + (opts.washSale ? Math.max(INITIAL_EXTRA_PIECES, 3 * n) : INITIAL_EXTRA_PIECES);
    this.pAcq = new Int32Array(cap);
    this.pNo = new Int32Array(cap);
    this.pQty = new Float64Array(cap);
    this.pBasis = new Float64Array(cap);
    this.pOrigQty = new Float64Array(cap);
    this.pOrigBasis = new Float64Array(cap);
    this.pWashAdj = new Float64Array(cap);
    this.pHold = new Int32Array(cap);
    this.pThreshold = new Int32Array(cap);
    this.pAbsorbed = new Uint8Array(cap);
    this.pVersion = new Int32Array(cap);
    this.pNext = new Int32Array(cap);
    for (let a = 0; a < n; a++) {
      const e = acquisitions[a] as number;
      if (a > 0) assert((ev.ms[e] as number) >= (ev.ms[acquisitions[a - 1] as number] as number), 'acquisitions in time order');
      this.acqFirst[a] = a;
      this.acqLast[a] = a;
      this.initPiece(a, a, e);
    }
    this.nPieces = n;
    this.wash = opts.washSale ? new WashMatcher(this, n, opts.trackPending === true) : null;
    for (let i = 1; i < opts.methodOrders.length; i++) {
      assert((opts.methodOrders[i - 1] as { ms: number }).ms < (opts.methodOrders[i] as { ms: number }).ms, 'method orders increase in time');
    }
    assert(!(opts.reuseDisposals && opts.trackPending), 'pending losses keep their portions: they cannot be reused');
    this.pool = new FifoPool(this);
  }

  // ---- pieces ----

  private initPiece(p: number, a: number, e: number): void {
    const ev = this.ev;
    const q = ev.qty[e] as number, b = ev.cents[e] as number, day = ev.day[e] as number;
    this.pAcq[p] = a;
    this.pNo[p] = 0;
    this.pQty[p] = q;
    this.pOrigQty[p] = q;
    this.pBasis[p] = b;
    this.pOrigBasis[p] = b;
    this.pHold[p] = day;
    this.pThreshold[p] = longTermThresholdDay(day);
    this.pNext[p] = -1;
  }

  /** The acquisition's type code (buy 0, mint 2, income 4). */
  acqType(a: number): number {
    return this.ev.type[this.acqEv[a] as number] as number;
  }

  acqDay(a: number): number {
    return this.ev.day[this.acqEv[a] as number] as number;
  }

  acqId(a: number): string {
    return this.ev.id[this.acqEv[a] as number] as string;
  }

  /** Pieces of acquisition a, first piece first (hot loops walk firstPiece / pNext instead). */
  piecesOf(a: number): number[] {
    const out: number[] = [];
    for (let p = this.acqFirst[a] as number; p >= 0; p = this.pNext[p] as number) out.push(p);
    return out;
  }

  /** The first piece of acquisition a; the others follow through pNext. */
  firstPiece(a: number): number {
    return this.acqFirst[a] as number;
  }

  /** The first piece of acquisition a with units left, or -1. */
  firstHeld(a: number): number {
    for (let p = this.acqFirst[a] as number; p >= 0; p = this.pNext[p] as number) if ((this.pQty[p] as number) > 0) return p;
    return -1;
  }

  private growPieces(): void {
    const cap = this.pQty.length * 2;
    const f = (a: Float64Array): Float64Array => { const b = new Float64Array(cap); b.set(a); return b; };
    const i = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
    this.pAcq = i(this.pAcq);
    this.pNo = i(this.pNo);
    this.pQty = f(this.pQty);
    this.pBasis = f(this.pBasis);
    this.pOrigQty = f(this.pOrigQty);
    this.pOrigBasis = f(this.pOrigBasis);
    this.pWashAdj = f(this.pWashAdj);
    this.pHold = i(this.pHold);
    this.pThreshold = i(this.pThreshold);
    const ab = new Uint8Array(cap);
    ab.set(this.pAbsorbed);
    this.pAbsorbed = ab;
    this.pVersion = i(this.pVersion);
    this.pNext = i(this.pNext);
  }

  /** Acquisition index of a lot id, or undefined; the index is built on the first specific-ID disposal. */
  private acqById(id: string): number | undefined {
    if (!this.byIdMap || !this.acqOfEv) {
      const ids = this.ev.id;
      this.byIdMap = new IdIndex(() => ids, this.nAcq);
      this.acqOfEv = new Int32Array(this.ev.n + 1).fill(-1);
      for (let a = 0; a < this.nAcq; a++) {
        const e = this.acqEv[a] as number;
        this.byIdMap.add(e);
        this.acqOfEv[e] = a;
      }
    }
    const e = this.byIdMap.get(id);
    const a = e >= 0 ? (this.acqOfEv[e] as number) : -1;
    return a >= 0 ? a : undefined;
  }

  // ---- method ----

  /** The standing order in force at `ms` (FIFO before the first order). */
  methodAt(ms: number): LotMethod {
    let m: LotMethod = 'fifo';
    for (const o of this.opts.methodOrders) {
      if (o.ms <= ms) m = o.method;
      else break;
    }
    return m;
  }

  /** Makes the method in force at `ms` the pool order (orders only move forward in time). */
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

  /** Held totals by type moved by a piece's change (also wash.ts, when a match adds basis). */
  heldChanged(p: number, qty: number, basis: number): void {
    const type = this.acqType(this.pAcq[p] as number);
    this.heldQtyByType[type] = (this.heldQtyByType[type] as number) + qty;
    this.heldBasisByType[type] = (this.heldBasisByType[type] as number) + basis;
  }

  /**
   * For a what-if at `ms`: the standing method then, and the held pieces in the order it takes
   * them. Reads only (a method that starts after the last event gets a pool of its own).
   */
  trialOrder(ms: number): { method: LotMethod; order: Iterable<number> } {
    const method = this.methodAt(ms);
    const kind = method === 'specific' ? 'fifo' : method;
    const pool = kind === this.poolMethod ? this.pool : kind === 'lifo' ? new LifoPool(this) : kind === 'hifo' ? new HifoPool(this) : new FifoPool(this);
    return { method, order: pool.order() };
  }

  /** Tells the pool that a held piece changed (HIFO re-queues it; also wash.ts). */
  touched(p: number): void {
    if ((this.pAcq[p] as number) < this.acquiredThrough) this.pool.changed(p);
  }

  // ---- events ----

  acquire(a: number): void {
    assert(a === this.acquiredThrough && a < this.nAcq, 'acquisitions enter the pool in time order');
    this.acquiredThrough++;
    const type = this.acqType(a);
    for (let p = this.acqFirst[a] as number; p >= 0; p = this.pNext[p] as number) {
      const q = this.pQty[p] as number;
      if (q > 0) {
        this.pool.add(p);
        this.held += q;
        this.heldQtyByType[type] = (this.heldQtyByType[type] as number) + q;
        this.heldBasisByType[type] = (this.heldBasisByType[type] as number) + (this.pBasis[p] as number);
      }
    }
  }

  /**
   * The incremental path: appends acquisition event `e` (not earlier than any event applied),
   * lets pending loss sales of the last 30 days absorb it (as the full pass's look-ahead would
   * have), then puts it in the pool. Returns the disallowed losses added to earlier disposals.
   */
  appendAcquisition(e: number): LateWash[] {
    const a = this.nAcq;
    assert(a === this.acquiredThrough, 'all earlier acquisitions are in the pool');
    if (a > 0) assert((this.ev.ms[e] as number) >= (this.ev.ms[this.acqEv[a - 1] as number] as number), 'acquisitions in time order');
    if (a === this.acqEv.length) {
      const grow = (x: Int32Array): Int32Array => { const y = new Int32Array(Math.max(16, x.length * 2)); y.set(x); return y; };
      this.acqEv = grow(this.acqEv);
      this.acqFirst = grow(this.acqFirst);
      this.acqLast = grow(this.acqLast);
    }
    if (this.nPieces === this.pQty.length) this.growPieces();
    const p = this.nPieces++;
    this.acqEv[a] = e;
    this.acqFirst[a] = p;
    this.acqLast[a] = p;
    this.initPiece(p, a, e);
    this.nAcq++;
    this.wash?.reserve(this.nAcq);
    if (this.byIdMap && this.acqOfEv) {
      if (this.acqOfEv.length <= e) {
        const m = new Int32Array(Math.max(e + 1, this.acqOfEv.length * 2)).fill(-1);
        m.set(this.acqOfEv);
        this.acqOfEv = m;
      }
      this.byIdMap.add(e);
      this.acqOfEv[e] = a;
    }
    const late = this.wash && this.opts.trackPending ? this.wash.absorbPending(a) : [];
    this.acquire(a);
    return late;
  }

  /**
   * Applies a sell or redeem (event e). Throws TaxInputError (nothing changed) on an impossible disposal.
   * `specificFallback` overrides the book's option (a what-if previews what a fill without a choice gets).
   */
  dispose(e: number, lots: LotRef[] | null = this.ev.lots.get(e) ?? null, specificFallback = this.opts.specificFallback === true): Disposal {
    const ev = this.ev;
    const ms = ev.ms[e] as number;
    const qty = ev.qty[e] as number;
    const standing = this.advanceMethod(ms);
    if (qty > this.held) {
      throw new TaxInputError(`${ev.typeOf(e)} of ${fmtQ(qty)} but only ${fmtQ(this.held)} held at ${new Date(ms).toISOString()}`, 'quantity', ev.id[e], ev.rowOf(e));
    }
    let taken: Taken[] | null = null;
    let method: LotMethod = 'specific';
    if (lots) taken = this.takeSpecific(e, lots);
    else {
      const pick = this.ev.picks.get(e);
      const fallback = standing === 'specific' ? 'fifo' : standing;
      if (pick) {
        const refs = this.pickSlice(pick, qty);
        const problem = typeof refs === 'string' ? refs : this.specificProblem(refs);
        if (problem === null) taken = this.takeSpecific(e, refs as LotRef[]);
        else this.warn(e, `${problem}; ${fallback.toUpperCase()} used instead`);
      } else if (standing === 'specific') {
        if (!specificFallback) throw new TaxInputError('the standing order is specific identification, so this disposal must name its lots', 'lots', ev.id[e], ev.rowOf(e));
        this.warn(e, 'no lots were named under the specific-identification standing order; FIFO used (the rule without adequate identification)');
      }
      if (!taken) {
        taken = this.takeByPool(qty);
        method = fallback;
      }
    }
    this.held -= qty;
    let d: Disposal;
    if (this.opts.reuseDisposals) {
      d = this.lastDisposal;
      d.e = e;
      d.method = method;
      for (const p of d.portions) this.portionFree.push(p);
      d.portions.length = 0;
      this.allocateProceeds(ev.cents[e] as number, qty, taken, d.portions, this.portionFree);
    } else d = { e, method, portions: this.allocateProceeds(ev.cents[e] as number, qty, taken) };
    if (this.wash) this.wash.apply(d, ev.day[e] as number);
    return d;
  }

  private warn(e: number, why: string): void {
    const ev = this.ev;
    this.warnings.push({ e, message: `${ev.typeOf(e)} ${ev.id[e]} on ${formatISODate(ev.day[e] as number)}: ${why}` });
  }

  /** Warnings as the report lists them. */
  warningView(w: BookWarning): TaxWarning {
    return { disposal_id: this.ev.id[w.e] as string, date: formatISODate(this.ev.day[w.e] as number), message: w.message };
  }

  /**
   * This fill's part of its order's chosen lots: the units after those the order's earlier fills
   * took, `qty` of them. Advances the order's position whatever happens next (the next fill of
   * the order takes the part after this one). A message when the list does not cover the fill.
   */
  private pickSlice(pick: OrderPick, qty: number): LotRef[] | string {
    const from = this.orderTaken.get(pick.order) ?? 0;
    this.orderTaken.set(pick.order, from + qty);
    const out: LotRef[] = [];
    let skip = from;
    let need = qty;
    for (const l of pick.lots) {
      if (need === 0) break;
      if (skip >= l.qty) {
        skip -= l.qty;
        continue;
      }
      const take = Math.min(l.qty - skip, need);
      skip = 0;
      out.push({ id: l.id, qty: take });
      need -= take;
    }
    if (need > 0) return `the lots order ${pick.order} chose cover ${fmtQ(qty - need)} of this fill's ${fmtQ(qty)}`;
    return out;
  }

  /**
   * Why these lots cannot be taken now (read only), or null. `used` counts units already taken
   * from a lot by earlier references of the same sale.
   */
  specificProblem(refs: readonly LotRef[]): string | null {
    const used = new Map<number, number>();
    for (const ref of refs) {
      const a = this.acqById(ref.id);
      if (a === undefined) return `lot ${JSON.stringify(ref.id)} does not exist (no buy, mint or income row has that id)`;
      if (a >= this.acquiredThrough) return `lot ${JSON.stringify(ref.id)} is acquired after this disposal`;
      let left = -(used.get(a) ?? 0);
      for (const p of this.piecesOf(a)) left += this.pQty[p] as number;
      if (left < ref.qty) return left <= 0 ? `lot ${JSON.stringify(ref.id)} is already used up` : `lot ${JSON.stringify(ref.id)} has only ${fmtQ(left)} left, not ${fmtQ(ref.qty)}`;
      used.set(a, (used.get(a) ?? 0) + ref.qty);
    }
    return null;
  }

  /** The pieces and basis these (checked) lots would give, without taking them: what split() would compute. */
  trialSpecific(refs: readonly LotRef[]): Taken[] {
    const out: Taken[] = [];
    const used = new Map<number, number>();
    const usedBasis = new Map<number, number>();
    for (const ref of refs) {
      const a = this.acqById(ref.id) as number;
      let need = ref.qty;
      for (const p of this.piecesOf(a)) {
        if (need === 0) break;
        const have = (this.pQty[p] as number) - (used.get(p) ?? 0);
        if (have <= 0) continue;
        const basisLeft = (this.pBasis[p] as number) - (usedBasis.get(p) ?? 0);
        const take = need < have ? need : have;
        const basis = take === have ? basisLeft : mulDivRound(basisLeft, take, have);
        out.push({ piece: p, qty: take, basis });
        used.set(p, (used.get(p) ?? 0) + take);
        usedBasis.set(p, (usedBasis.get(p) ?? 0) + basis);
        need -= take;
      }
      assert(need === 0, 'specific lot fully taken');
    }
    return out;
  }

  /** The reused list of Taken records, emptied. */
  private startTaken(): Taken[] {
    const out = this.takenOut;
    for (const t of out) this.takenFree.push(t);
    out.length = 0;
    return out;
  }

  private pushTaken(out: Taken[], piece: number, qty: number, basis: number): void {
    const t = this.takenFree.pop();
    if (t) {
      t.piece = piece;
      t.qty = qty;
      t.basis = basis;
      out.push(t);
    } else out.push({ piece, qty, basis });
  }

  private takeByPool(qty: number): Taken[] {
    const out = this.startTaken();
    let need = qty;
    while (need > 0) {
      const p = this.pool.peek();
      assert(p >= 0, 'the pool holds what `held` says');
      const have = this.pQty[p] as number;
      const take = need < have ? need : have;
      this.pushTaken(out, p, take, this.split(p, take));
      need -= take;
      if ((this.pQty[p] as number) > 0) this.pool.changed(p);
    }
    return out;
  }

  /** Removes `take` units from a piece; returns their basis: pro rata, rounded to the cent, the last portion gets the rest. */
  private split(p: number, take: number): number {
    const qty = this.pQty[p] as number, basis = this.pBasis[p] as number;
    assert(take > 0 && take <= qty, 'split takes a positive part of the piece');
    const part = take === qty ? basis : mulDivRound(basis, take, qty);
    assert(part >= 0 && part <= basis, 'portion basis within the piece basis');
    this.pQty[p] = qty - take;
    this.pBasis[p] = basis - part;
    if ((this.pAcq[p] as number) < this.acquiredThrough) this.heldChanged(p, -take, -part);
    return part;
  }

  private takeSpecific(e: number, refs: LotRef[]): Taken[] {
    // Check everything first so a bad reference changes nothing.
    const problem = this.specificProblem(refs);
    if (problem !== null) throw new TaxInputError(problem, 'lots', this.ev.id[e], this.ev.rowOf(e));
    const out = this.startTaken();
    for (const ref of refs) {
      const a = this.acqById(ref.id) as number;
      let need = ref.qty;
      for (const p of this.piecesOf(a)) {
        if (need === 0) break;
        const have = this.pQty[p] as number;
        if (have === 0) continue;
        const take = need < have ? need : have;
        this.pushTaken(out, p, take, this.split(p, take));
        need -= take;
        this.touched(p);
      }
      assert(need === 0, 'specific lot fully taken');
    }
    return out;
  }

  /**
   * Splits the disposal's proceeds over its portions pro rata, to the cent, summing exactly.
   * Appends them to `out`, taking Portion objects from `free` while it has any.
   */
  allocateProceeds(proceeds: number, qty: number, taken: readonly Taken[], out: Portion[] = [], free: Portion[] = []): Portion[] {
    let procLeft = proceeds;
    let qtyLeft = qty;
    for (const t of taken) {
      const part = t.qty === qtyLeft ? procLeft : mulDivRound(procLeft, t.qty, qtyLeft);
      procLeft -= part;
      qtyLeft -= t.qty;
      const piece = t.piece, lotEv = this.acqEv[this.pAcq[piece] as number] as number, holdDay = this.pHold[piece] as number, threshold = this.pThreshold[piece] as number;
      const p = free.pop();
      if (p) {
        p.piece = piece;
        p.lotEv = lotEv;
        p.holdDay = holdDay;
        p.threshold = threshold;
        p.qty = t.qty;
        p.basis = t.basis;
        p.proceeds = part;
        p.adjustment = 0;
        p.code = '';
        out.push(p);
      } else out.push({ piece, lotEv, holdDay, threshold, qty: t.qty, basis: t.basis, proceeds: part, adjustment: 0, code: '' });
    }
    assert(qtyLeft === 0 && procLeft === 0, 'proceeds fully allocated');
    return out;
  }

  // ---- wash sales: wash.ts matches; the book holds the pieces ----

  /** Cents of loss disallowed by wash sales so far. */
  get washDisallowed(): number {
    return this.wash?.disallowed ?? 0;
  }

  /** First acquisition whose day is >= day (acquisitions are in time order). */
  lowerBoundDay(day: number): number {
    let lo = 0, hi = this.nAcq;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.acqDay(mid) < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Splits `m` units off a piece into a new absorbed piece of the same acquisition (wash.ts). */
  splitOffAbsorbed(p: number, m: number): number {
    if (this.nPieces === this.pQty.length) this.growPieces();
    const basis = this.split(p, m);
    const np = this.nPieces++;
    const a = this.pAcq[p] as number;
    const last = this.acqLast[a] as number;
    this.pNext[last] = np;
    this.pNext[np] = -1;
    this.acqLast[a] = np;
    this.pAcq[np] = a;
    this.pNo[np] = (this.pNo[last] as number) + 1;
    this.pQty[np] = m;
    this.pBasis[np] = basis;
    this.pOrigQty[np] = m;
    this.pOrigBasis[np] = basis;
    this.pHold[np] = this.pHold[p] as number;
    this.pThreshold[np] = this.pThreshold[p] as number;
    this.pAbsorbed[np] = 1;
    this.pOrigQty[p] = (this.pOrigQty[p] as number) - m;
    this.pOrigBasis[p] = (this.pOrigBasis[p] as number) - basis;
    if (a < this.acquiredThrough) {
      this.heldChanged(np, m, basis); // split() took them out of the held totals: they are still held
      this.pool.add(np);
      this.touched(p);
    }
    return np;
  }
}
