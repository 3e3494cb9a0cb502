// The conservation and reservation invariants of the whole store, and the book against the
// open orders. Run after every commit in paranoid mode (tests), and by tests directly.
import type { CoreKernel } from './kernel.js';
import type { TotalsRow } from './types.js';
import { InvariantError } from './units.js';

export function totals(k: CoreKernel): TotalsRow {
  k.flushAggregatesForRead();
  return k.store.totals();
}

/** Throws InvariantError. O(accounts + open orders). */
export function checkInvariants(k: CoreKernel): void {
  k.book.checkInvariants();
  const t = totals(k);
  const sums = k.store.balanceSums();
  if (sums.usd + t.fees_micros !== t.deposits_micros - t.withdrawals_micros) {
    throw new InvariantError(`cash not conserved: balances ${sums.usd} + fees ${t.fees_micros} != deposits ${t.deposits_micros} - withdrawals ${t.withdrawals_micros}`);
  }
  if (sums.tok !== t.minted_lots - t.redeemed_lots) {
    throw new InvariantError(`tokens not conserved: balances ${sums.tok} != minted ${t.minted_lots} - redeemed ${t.redeemed_lots}`);
  }
  const bad = k.store.reservationMismatch();
  if (bad !== undefined) throw new InvariantError(`reservations out of sync for ${bad}`);
  const open = k.store.openOrderCount();
  if (open !== k.book.byNum.size) throw new InvariantError(`book has ${k.book.byNum.size} orders, store has ${open} open`);
  const gap = k.store.seqGap();
  if (gap !== undefined) throw new InvariantError(`event seq gap for ${gap}`);
}
