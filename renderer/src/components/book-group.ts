// Price grouping of the order-book ladder: levels summed into buckets of a tick multiple.
// Bids round down and asks round up, so a bucket never shows a better price than is there.
import { D, dec } from '../../../shared/money';
import type { BookLevelView } from '../store/book';

/** Groupings offered, as multiples of the tick 0.0001. */
export const GROUPINGS = ['0.0001', '0.001', '0.01', '0.1'] as const;

export function groupLevels(levels: readonly BookLevelView[], step: string, side: 'bids' | 'asks'): BookLevelView[] {
  const s = dec(step);
  if (s.lte(0)) throw new Error(`grouping step must be positive: ${step}`);
  const out: BookLevelView[] = [];
  let cum = dec('0');
  for (const l of levels) {
    const bucket = dec(l.price).div(s).toDecimalPlaces(0, side === 'bids' ? D.ROUND_FLOOR : D.ROUND_CEIL).mul(s);
    const price = bucket.toFixed(4);
    cum = cum.plus(dec(l.quantity));
    const last = out[out.length - 1];
    if (last && last.price === price) {
      last.quantity = dec(last.quantity).plus(dec(l.quantity)).toFixed();
      last.cumulative = cum.toFixed();
    } else {
      out.push({ price, quantity: dec(l.quantity).toFixed(), cumulative: cum.toFixed() });
    }
  }
  return out;
}
