// Builders for tax-engine tests.
import type { TaxTransaction, TxType } from '../../electron/services/tax/index.js';

let seq = 0;

/** A transaction at noon UTC of `date` (YYYY-MM-DD) unless a full timestamp is given. */
export function tx(type: TxType, date: string, quantity: string, price: string, extra: Partial<TaxTransaction> = {}): TaxTransaction {
  seq++;
  return {
    id: extra.id ?? `${type}-${seq}`,
    time: date.includes('T') ? date : `${date}T12:00:00Z`,
    type,
    quantity,
    price_usd: price,
    fee_usd: '0',
    ...extra,
  };
}
