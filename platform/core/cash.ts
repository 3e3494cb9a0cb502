// Cash in and out (deposits, withdrawals with their fee), balances and the account's
// event pages.
import { dec } from '../../shared/money.js';
import type { AccountEvent, Balances } from '../../shared/platform/events.js';
import { badRequest, unprocessable } from './errors.js';
import { once } from './idempotency.js';
import type { CoreKernel } from './kernel.js';
import type { Periods } from './periods.js';
import { assert, lotsToQty, MAX_BALANCE_MICROS, microsToUsd, usdToMicros } from './units.js';

export class Cash {
  constructor(
    private readonly k: CoreKernel,
    private readonly periods: Periods,
  ) {}

  private cashMicros(amount_usd: string): number {
    const m = usdToMicros(amount_usd);
    if (m === null || m <= 0 || !dec(amount_usd).mul(100).isInteger()) {
      throw badRequest('invalid_amount', 'amount_usd must be a positive amount in whole cents');
    }
    if (dec(amount_usd).gt(dec(this.k.config.max_cash_request_usd))) {
      throw badRequest('amount_too_large', `amount_usd above the per-request limit of ${this.k.config.max_cash_request_usd}`);
    }
    return m;
  }

  deposit(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    const k = this.k;
    return k.tx(() =>
      once(k, account_id, 'deposit', request_id, { amount_usd }, () => {
        const m = this.cashMicros(amount_usd);
        const acct = k.account(account_id);
        if (acct.usd_total + m > MAX_BALANCE_MICROS) throw unprocessable('balance_limit', 'deposit would exceed the account balance limit');
        k.move(account_id, m, 0, 0, 0);
        k.aggregates.addTotals(m, 0, 0, 0, 0);
        k.emit(account_id, { type: 'deposit', amount_usd: microsToUsd(m) });
        return { amount_usd: microsToUsd(m), fee_usd: '0', balances: this.balancesNoTx(account_id) };
      }),
    );
  }

  withdraw(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    const k = this.k;
    return k.tx(() =>
      once(k, account_id, 'withdrawal', request_id, { amount_usd }, () => {
        const m = this.cashMicros(amount_usd);
        const fee = usdToMicros(k.config.withdrawal_fee_usd);
        assert(fee !== null && fee >= 0, 'withdrawal fee config');
        const acct = k.account(account_id);
        const available = acct.usd_total - acct.usd_reserved;
        if (m + fee > available) {
          throw unprocessable('insufficient_funds', `withdrawal of ${amount_usd} plus fee ${microsToUsd(fee)} exceeds the ${microsToUsd(available)} available`);
        }
        k.move(account_id, -(m + fee), 0, 0, 0);
        k.aggregates.addTotals(0, m, fee, 0, 0);
        k.emit(account_id, { type: 'withdrawal', amount_usd: microsToUsd(m) });
        if (fee > 0) k.emit(account_id, { type: 'fee', amount_usd: microsToUsd(fee), reason: 'withdrawal fee' });
        return { amount_usd: microsToUsd(m), fee_usd: microsToUsd(fee), balances: this.balancesNoTx(account_id) };
      }),
    );
  }

  getBalances(account_id: string): Balances {
    return this.k.tx(() => {
      this.periods.closeDuePeriods(account_id);
      return this.balancesNoTx(account_id);
    });
  }

  private balancesNoTx(account_id: string): Balances {
    const a = this.k.account(account_id);
    const p = this.k.store.openPeriod(account_id);
    return {
      usd: { total: microsToUsd(a.usd_total), available: microsToUsd(a.usd_total - a.usd_reserved), reserved: microsToUsd(a.usd_reserved) },
      token: { total: lotsToQty(a.tok_total), available: lotsToQty(a.tok_total - a.tok_reserved), reserved: lotsToQty(a.tok_reserved) },
      credits: { period_id: p?.id ?? null, available: p ? lotsToQty(p.credits_lots + p.redeemed_lots - p.used_lots) : '0' },
      as_of_seq: this.k.seqOf(a.id),
    };
  }

  /** The events page as JSON text, built from the stored event JSON (no re-serialization). */
  eventsPageJson(account_id: string, after: number, limit: number): string {
    assert(Number.isSafeInteger(after) && after >= 0 && limit >= 1 && limit <= 5000, 'events page bounds');
    return this.k.store.read(() => {
      const last = this.k.seqOf(account_id);
      const rows = this.k.store.eventsAfter(account_id, after, limit);
      return `{"events":[${rows.join(',')}],"last_seq":${last}}`;
    });
  }

  getEvents(account_id: string, after: number, limit: number): { events: AccountEvent[]; last_seq: number } {
    return JSON.parse(this.eventsPageJson(account_id, after, limit)) as { events: AccountEvent[]; last_seq: number };
  }
}
