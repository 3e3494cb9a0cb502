// Wash sales (IRC 1091) on the lot book: a loss portion's units are matched to replacement
// units acquired 30 days before to 30 days after the sale (earliest acquired first, never units
// of the same purchase: Rev. Rul. 56-602); each match adds its share of the disallowed loss to
// the replacement's basis and moves its holding start back by the days the loss units were held.
// The book (book.ts) holds the pieces; this file decides which units match and by how much.
import { longTermThresholdDay } from './dates.js';
import { mulDivRoundN as mulDivRound } from './fixed.js';
import type { Disposal, LotBook, Portion } from './book.js';
import { assert } from '../../../shared/assert.js';

/** Wash-sale window: 30 days before and after the sale (61 days). */
export const WASH_WINDOW_DAYS = 30;

/** A loss portion whose units may still be matched by a purchase up to 30 days after the sale. */
export interface PendingLoss {
  /** Event index of the disposal. */
  e: number;
  portion: Portion;
  saleDay: number;
  loss: number;
  /** Acquisition of the loss units (never their own replacement). */
  excluded: number;
  /** Units matched so far. */
  matched: number;
}

/** A disallowed loss added to an earlier disposal's portion when a later purchase matched it. */
export interface LateWash {
  e: number;
  portion: Portion;
  /** Cents added to the portion's adjustment. */
  added: number;
}

const INITIAL_MATCHES = 64;

export class WashMatcher {
  /** Cents of loss disallowed so far. */
  disallowed = 0;
  /** Union-find "next acquisition that may still be a wash replacement". */
  private nextEligible: Int32Array;
  /** Scratch of matchReplacements: the pieces matched and their units (reused: no array per loss). */
  private matchPiece = new Int32Array(INITIAL_MATCHES);
  private matchQty = new Float64Array(INITIAL_MATCHES);
  /** Loss portions still open to later replacements (trackPending only), oldest first from pendingHead. */
  private pending: PendingLoss[] = [];
  private pendingHead = 0;
  /** Without trackPending a loss is done with after apply(): one record serves them all. */
  private readonly scratchLoss: PendingLoss = { e: -1, portion: null as unknown as Portion, saleDay: 0, loss: 0, excluded: -1, matched: 0 };

  /**
   * `trackPending` (the incremental path): loss portions not fully matched stay pending for 30
   * days, so that a purchase appended later can still absorb them (absorbPending).
   */
  constructor(private readonly book: LotBook, acquisitions: number, private readonly trackPending: boolean) {
    this.nextEligible = new Int32Array(acquisitions + 1);
    for (let i = 0; i <= acquisitions; i++) this.nextEligible[i] = i;
  }

  /** Room for `acquisitions` (the book appended some). */
  reserve(acquisitions: number): void {
    if (this.nextEligible.length >= acquisitions + 1) return;
    const ne = new Int32Array(Math.max(16, this.nextEligible.length * 2, acquisitions + 1));
    ne.set(this.nextEligible);
    for (let i = this.nextEligible.length; i < ne.length; i++) ne[i] = i;
    this.nextEligible = ne;
  }

  /** The first acquisition from `i` on that may still hold replacement units (path-compressing). */
  findEligible(i: number): number {
    const ne = this.nextEligible;
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

  /** Matches the loss portions of a disposal just applied (sale on `saleDay`). */
  apply(d: Disposal, saleDay: number): void {
    for (const portion of d.portions) {
      const loss = portion.basis - portion.proceeds;
      if (loss <= 0) continue;
      // Rev. Rul. 56-602: units left from the same purchase as the loss units are not replacements.
      // (Units sold by this disposal are already out of the book, so they cannot match either.)
      const excluded = this.book.pAcq[portion.piece] as number;
      const w: PendingLoss = this.trackPending ? { e: d.e, portion, saleDay, loss, excluded, matched: 0 } : this.scratchLoss;
      if (!this.trackPending) {
        w.e = d.e;
        w.portion = portion;
        w.saleDay = saleDay;
        w.loss = loss;
        w.excluded = excluded;
        w.matched = 0;
      }
      this.absorbLoss(w, this.book.lowerBoundDay(saleDay - WASH_WINDOW_DAYS));
      if (this.trackPending && w.matched < portion.qty) this.pending.push(w);
    }
  }

  /** Pending losses absorb the just-appended acquisition `a` (oldest sale first, as the full pass matches). */
  absorbPending(a: number): LateWash[] {
    assert(this.trackPending, 'pending losses are kept only with trackPending');
    const day = this.book.acqDay(a);
    const out: LateWash[] = [];
    // Sales more than 30 days before this purchase can never match again (purchases come in time order).
    while (this.pendingHead < this.pending.length && (this.pending[this.pendingHead] as PendingLoss).saleDay + WASH_WINDOW_DAYS < day) this.pendingHead++;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      if (this.findEligible(a) !== a) break; // fully absorbed: the later sales find nothing here either
      const w = this.pending[i] as PendingLoss;
      if (w.matched === w.portion.qty) continue;
      const added = this.absorbLoss(w, a);
      if (added > 0 || w.matched > 0) out.push({ e: w.e, portion: w.portion, added });
    }
    return out;
  }

  /**
   * Matches the loss's unmatched units to replacements from acquisition `from` on. Each match's
   * share of the disallowed loss is round(loss × matched-so-far / units) minus the same before it,
   * so shares never depend on matches found later (the incremental path finds them later).
   * Returns the cents added to the portion's adjustment.
   */
  private absorbLoss(w: PendingLoss, from: number): number {
    const portion = w.portion;
    const count = this.matchReplacements(portion.qty - w.matched, w.saleDay, w.excluded, from);
    if (count === 0) return 0;
    const b = this.book;
    const before = disallowedAt(w, w.matched);
    const daysHeld = w.saleDay - portion.holdDay;
    let cum = w.matched;
    let prev = before;
    for (let k = 0; k < count; k++) {
      cum += this.matchQty[k] as number;
      const now = disallowedAt(w, cum);
      const share = now - prev;
      prev = now;
      const p = this.matchPiece[k] as number;
      b.pBasis[p] = (b.pBasis[p] as number) + share;
      b.pOrigBasis[p] = (b.pOrigBasis[p] as number) + share;
      b.pWashAdj[p] = (b.pWashAdj[p] as number) + share;
      if ((b.pAcq[p] as number) < b.acquiredThrough) b.heldChanged(p, 0, share);
      const hold = b.acqDay(b.pAcq[p] as number) - daysHeld;
      b.pHold[p] = hold;
      b.pThreshold[p] = longTermThresholdDay(hold);
      b.touched(p);
    }
    assert(cum <= portion.qty, 'matched units within the loss units');
    const added = prev - before;
    assert(added >= 0 && prev <= w.loss, 'disallowed loss within the loss');
    w.matched = cum;
    portion.adjustment += added;
    // A disallowed amount that rounds to zero cents changes no column; the form wants a code only with an amount.
    if (portion.adjustment > 0) portion.code = 'W';
    this.disallowed += added;
    return added;
  }

  /**
   * Marks up to `units` replacement units (earliest acquired first, from acquisition `from`) as
   * absorbing a loss. Returns how many matches; they are in matchPiece / matchQty [0, count).
   */
  private matchReplacements(units: number, saleDay: number, excluded: number, from: number): number {
    const b = this.book;
    let count = 0;
    let need = units;
    let a = this.findEligible(from);
    while (need > 0 && a < b.nAcq) {
      if (b.acqDay(a) > saleDay + WASH_WINDOW_DAYS) break;
      if (a !== excluded) {
        let open = false;
        // A split below links an absorbed piece at the end of the chain: visited, never a candidate.
        for (let p = b.firstPiece(a); p >= 0; p = b.pNext[p] as number) {
          const have = b.pQty[p] as number;
          if (b.pAbsorbed[p] === 1 || have === 0) continue;
          if (need === 0) {
            open = true;
            break;
          }
          const m = need < have ? need : have;
          let target = p;
          if (m === have) b.pAbsorbed[p] = 1;
          else {
            target = b.splitOffAbsorbed(p, m);
            open = true;
          }
          if (count === this.matchPiece.length) this.growMatches();
          this.matchPiece[count] = target;
          this.matchQty[count] = m;
          count++;
          need -= m;
        }
        if (!open) this.nextEligible[a] = a + 1;
      }
      a = this.findEligible(a + 1);
    }
    return count;
  }

  private growMatches(): void {
    const piece = new Int32Array(this.matchPiece.length * 2);
    piece.set(this.matchPiece);
    this.matchPiece = piece;
    const qty = new Float64Array(this.matchQty.length * 2);
    qty.set(this.matchQty);
    this.matchQty = qty;
  }
}

/** The loss disallowed once `units` of the loss portion's units are matched (rounded to the cent). */
function disallowedAt(w: PendingLoss, units: number): number {
  const qty = w.portion.qty;
  return units === qty ? w.loss : mulDivRound(w.loss, units, qty);
}
