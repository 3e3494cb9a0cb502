// Platform event → one balanced journal entry. Pure: no I/O, throws
// NotRepresentableError / LedgerInvariantError on an event that cannot be recorded.
import type { AccountEvent } from '../../../shared/platform/events.js';
import { mulScaled, toScaled, type Commodity } from './amounts.js';
import { ACCOUNTS, type AccountName } from './chart.js';

export interface Posting {
  account_id: number;
  commodity: Commodity;
  /** Scaled integer (× 10^8), signed, never zero. */
  amount: bigint;
}

export class LedgerInvariantError extends Error {}

/** Most postings one entry can have (a fill: 5). */
const POSTINGS_PER_ENTRY_MAX = 8;

/** Collects postings, nets same (account, commodity) pairs, drops zeros, checks balance. */
class EntryBuilder {
  // A short list searched linearly: entries have at most a handful of postings.
  private readonly list: Posting[] = [];

  move(commodity: Commodity, from: AccountName, to: AccountName, amount: bigint): this {
    if (amount < 0n) throw new LedgerInvariantError(`negative ${commodity} movement ${amount}`);
    this.add(ACCOUNTS[to], commodity, amount);
    this.add(ACCOUNTS[from], commodity, -amount);
    return this;
  }

  private add(account_id: number, commodity: Commodity, amount: bigint): void {
    for (const p of this.list) {
      if (p.account_id === account_id && p.commodity === commodity) {
        p.amount += amount;
        return;
      }
    }
    if (this.list.length >= POSTINGS_PER_ENTRY_MAX) throw new LedgerInvariantError(`more than ${POSTINGS_PER_ENTRY_MAX} postings in one entry`);
    this.list.push({ account_id, commodity, amount });
  }

  build(): Posting[] {
    let usd = 0n;
    let token = 0n;
    let credit = 0n;
    for (const p of this.list) {
      if (p.commodity === 'USD') usd += p.amount;
      else if (p.commodity === 'TOKEN') token += p.amount;
      else credit += p.amount;
    }
    if (usd !== 0n || token !== 0n || credit !== 0n) {
      throw new LedgerInvariantError(`entry does not balance: USD ${usd}, TOKEN ${token}, CREDIT ${credit}`);
    }
    return this.list.filter((p) => p.amount !== 0n);
  }
}

/** The postings of the journal entry for one (already validated) event. */
export function postingsFor(e: AccountEvent): Posting[] {
  const b = new EntryBuilder();
  switch (e.type) {
    case 'period_open':
      b.move('CREDIT', 'equity:subscription', 'assets:credits', toScaled(e.credits));
      // The subscription is paid outside the exchange; recorded so the expense is visible.
      b.move('USD', 'equity:external', 'expenses:subscription', toScaled(e.price_usd));
      break;
    case 'usage':
      b.move('CREDIT', 'assets:credits', 'expenses:usage', toScaled(e.credits));
      break;
    case 'period_close':
      // Memo only: the unused credits leave through the following mint or renewal_credit event.
      break;
    case 'mint': {
      const tokens = toScaled(e.tokens);
      b.move('CREDIT', 'assets:credits', 'equity:conversion', tokens);
      b.move('TOKEN', 'equity:conversion', 'assets:exchange:token', tokens);
      break;
    }
    case 'renewal_credit':
      b.move('CREDIT', 'assets:credits', 'equity:renewal_credit', toScaled(e.credits));
      break;
    case 'redemption':
      b.move('TOKEN', 'assets:exchange:token', 'equity:conversion', toScaled(e.tokens));
      b.move('CREDIT', 'equity:conversion', 'assets:credits', toScaled(e.credits));
      break;
    case 'deposit':
      b.move('USD', 'equity:external', 'assets:exchange:usd', toScaled(e.amount_usd));
      break;
    case 'withdrawal':
      b.move('USD', 'assets:exchange:usd', 'equity:external', toScaled(e.amount_usd));
      break;
    case 'fill': {
      const qty = toScaled(e.quantity);
      const notional = mulScaled(toScaled(e.price_usd), qty, `fill ${e.trade_id} notional`);
      const fee = toScaled(e.fee_usd);
      if (e.side === 'buy') {
        b.move('TOKEN', 'equity:trading', 'assets:exchange:token', qty);
        b.move('USD', 'assets:exchange:usd', 'equity:trading', notional);
      } else {
        b.move('TOKEN', 'assets:exchange:token', 'equity:trading', qty);
        b.move('USD', 'equity:trading', 'assets:exchange:usd', notional);
      }
      b.move('USD', 'assets:exchange:usd', 'expenses:fees', fee);
      break;
    }
    case 'fee':
      b.move('USD', 'assets:exchange:usd', 'expenses:fees', toScaled(e.amount_usd));
      break;
    case 'order':
      // Orders change no balance; the ledger keeps them in `orders`.
      break;
    case 'election':
      // Memo only: which way the period's unused credits will go at close.
      break;
    default: {
      const never: never = e;
      throw new LedgerInvariantError(`unknown event type ${JSON.stringify(never)}`);
    }
  }
  return b.build();
}

/**
 * Postings are stored in their entry row (migration v6): up to POSTING_SLOTS pairs of
 * columns k1, a1, ..., k8, a8, filled from slot 1 without holes, NULL after the last.
 * k = account_id × 4 + commodity code (USD 0, TOKEN 1, CREDIT 2); a = the scaled amount
 * (INTEGER, exact). The `postings` view shows them as rows (entry_id, account_id, commodity, amount).
 */
export const POSTING_SLOTS = POSTINGS_PER_ENTRY_MAX;
export const COMMODITY_CODES: readonly Commodity[] = ['USD', 'TOKEN', 'CREDIT'];
const CODE: Readonly<Record<Commodity, number>> = { USD: 0, TOKEN: 1, CREDIT: 2 };
export const postingKey = (account_id: number, commodity: Commodity): number => account_id * 4 + CODE[commodity];
/** "k1, a1, k2, a2, ..." */
export const POSTING_COLUMNS = Array.from({ length: POSTING_SLOTS }, (_, i) => `k${i + 1}, a${i + 1}`).join(', ');

/** Appends the 2 × POSTING_SLOTS column values of these postings to `out`. */
export function pushPostingColumns(out: unknown[], postings: readonly Posting[]): void {
  for (const p of postings) out.push(postingKey(p.account_id, p.commodity), p.amount);
  for (let i = postings.length; i < POSTING_SLOTS; i++) out.push(null, null);
}

export function postingColumns(postings: readonly Posting[]): unknown[] {
  const out: unknown[] = [];
  pushPostingColumns(out, postings);
  return out;
}
