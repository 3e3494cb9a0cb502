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

/** Collects postings, nets same (account, commodity) pairs, drops zeros, checks balance. */
class EntryBuilder {
  private readonly sums = new Map<string, Posting>();

  move(commodity: Commodity, from: AccountName, to: AccountName, amount: bigint): this {
    if (amount < 0n) throw new LedgerInvariantError(`negative ${commodity} movement ${amount}`);
    this.add(to, commodity, amount);
    this.add(from, commodity, -amount);
    return this;
  }

  private add(account: AccountName, commodity: Commodity, amount: bigint): void {
    const key = account + '|' + commodity;
    const p = this.sums.get(key);
    if (p) p.amount += amount;
    else this.sums.set(key, { account_id: ACCOUNTS[account], commodity, amount });
  }

  build(): Posting[] {
    const out: Posting[] = [];
    const per_commodity = new Map<Commodity, bigint>();
    for (const p of this.sums.values()) {
      per_commodity.set(p.commodity, (per_commodity.get(p.commodity) ?? 0n) + p.amount);
      if (p.amount !== 0n) out.push(p);
    }
    for (const [c, s] of per_commodity) {
      if (s !== 0n) throw new LedgerInvariantError(`entry does not balance in ${c}: ${s}`);
    }
    return out;
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
