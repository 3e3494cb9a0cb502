// The sender: drains the outbox to the platform. Resolves `unknown` orders by lookup before
// any resend, sends due cancels (ours and those of orders placed elsewhere), then due queued
// orders in queue order, a window per transaction; paces itself (token bucket, Retry-After,
// backoff). State it owns: the pacer and the queue-wide pause. Everything else through its host.
import type Database from 'better-sqlite3';
import { backoffMs } from '../../../shared/backoff.js';
import type { Order, OrderRequest } from '../../../shared/platform/api.js';
import type { Clock } from './options.js';
import { Pacer, type RateLimit } from './options.js';
import type { OutboxRow, Store } from './store.js';
import type { FeedView } from './feed-view.js';
import { toTransportError, type OrderTransport, type TransportError } from './transport.js';
import {
  assert,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  LIVE_STATES,
  MAX_CANCEL_ATTEMPTS,
  MAX_SEND_ATTEMPTS,
  RESOLVE_BATCH_MAX,
  SEND_WINDOW_MAX,
  type DrainResult,
} from './types.js';

/** What the sender needs of the order service. */
export interface SenderHost {
  readonly st: Store;
  readonly feed: FeedView;
  readonly db: Database.Database;
  readonly clock: Clock;
  readonly transport: OrderTransport;
  readonly random: () => number;
  readonly max_in_flight: number;
  isOnline(): boolean;
  isClosed(): boolean;
  row(client_order_id: string): OutboxRow | undefined;
  adoptOrder(row: OutboxRow, o: Order, now: number): void;
  finishLocally(row: OutboxRow, state: 'canceled' | 'expired' | 'rejected', reason: string, now: number, last_error?: string | null): void;
  emit(ids: string[]): void;
  emitStatus(): void;
}

interface SendOutcome {
  row: OutboxRow;
  order?: Order;
  error?: TransportError;
  /** Not sent (window cut short): back to queued, nothing counted. */
  skipped?: boolean;
}

export class OrderSender {
  private readonly pacer: Pacer;
  /** Queue-wide pause (Retry-After, or backoff after a transient failure). */
  paused_until_ms: number;
  /** The platform's last Retry-After: survives a reconnect (the limit is per API key, not per connection). */
  private retry_after_until_ms: number;
  private consecutive_failures = 0;

  constructor(
    private readonly h: SenderHost,
    rate_limit: RateLimit | false,
  ) {
    this.pacer = new Pacer(rate_limit, h.clock.now_ms());
    this.retry_after_until_ms = h.st.getRetryAfter.get() as number;
    this.paused_until_ms = this.retry_after_until_ms;
  }

  /** A new connection: earlier failures say nothing about it; the platform's Retry-After still holds. */
  reconnected(): void {
    this.paused_until_ms = this.retry_after_until_ms;
    this.consecutive_failures = 0;
  }

  async pass(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, resolved: 0, canceled: 0, pending: 0, next_due_ms: null, next_expiry_ms: null };
    this.expireStale();
    if (this.h.isOnline() && this.h.clock.now_ms() >= this.paused_until_ms) {
      result.resolved = await this.resolveUnknown();
      if (!this.h.isClosed() && this.h.clock.now_ms() >= this.paused_until_ms) result.canceled = await this.sendCancels();
      if (!this.h.isClosed() && this.h.clock.now_ms() >= this.paused_until_ms) result.canceled += await this.sendExternalCancels();
      if (!this.h.isClosed() && this.h.clock.now_ms() >= this.paused_until_ms) result.sent = await this.sendQueued();
    }
    if (this.h.isClosed()) return result;
    const waiting = this.h.feed.waitingCancels();
    result.pending = (this.h.st.workCount.get() as number) + waiting.length;
    if (result.pending > 0) {
      const own_due = this.h.st.nextDue.get() as number | null;
      const due = waiting.reduce<number | null>((m, c) => (m === null || c.next_ms < m ? c.next_ms : m), own_due);
      const t = due === null ? null : Math.max(due, this.paused_until_ms, this.pacer.nextAt(this.h.clock.now_ms()));
      result.next_due_ms = t;
    }
    const expiry = this.h.st.nextExpiry.get() as number | null;
    result.next_expiry_ms = expiry === null ? null : expiry + 1;
    return result;
  }

  /** Queued orders past their expiry end as expired, never sent, also while offline. */
  private expireStale(): void {
    const now = this.h.clock.now_ms();
    const stale = this.h.st.staleQueued.all(now, RESOLVE_BATCH_MAX * 16) as OutboxRow[];
    if (stale.length === 0) return;
    this.h.db
      .transaction(() => {
        for (const r of stale) this.h.finishLocally(r, 'expired', 'expired before it could be sent', now);
      })
      .immediate();
    this.h.emit(stale.map((r) => r.client_order_id));
  }

  private backoffMs(failures: number): number {
    return backoffMs({ base_ms: BACKOFF_BASE_MS, max_ms: BACKOFF_MAX_MS, jitter: 0.5 }, Math.max(0, failures - 1), this.h.random);
  }

  /** Queue-wide pause after a 429 (Retry-After) or a transient failure (backoff). */
  private pause(e: TransportError, now: number): void {
    let wait: number;
    if (e.status === 429) {
      wait = e.retry_after_ms ?? this.backoffMs(1);
      this.retry_after_until_ms = Math.max(this.retry_after_until_ms, now + wait);
      this.h.st.setRetryAfter.run(this.retry_after_until_ms);
    } else {
      this.consecutive_failures++;
      wait = this.backoffMs(this.consecutive_failures);
    }
    this.paused_until_ms = Math.max(this.paused_until_ms, now + wait);
    this.h.emitStatus();
  }

  private async resolveUnknown(): Promise<number> {
    const rows = this.h.st.dueUnknown.all(this.h.clock.now_ms(), RESOLVE_BATCH_MAX) as OutboxRow[];
    let n = 0;
    for (const row of rows) {
      if (!this.pacer.take(this.h.clock.now_ms())) break;
      let order: Order | null = null;
      let err: TransportError | null = null;
      try {
        order = await this.h.transport.getOrderByClientId(row.client_order_id);
      } catch (e) {
        err = toTransportError(e);
      }
      if (this.h.isClosed()) return n;
      const now = this.h.clock.now_ms();
      const cur = this.h.row(row.client_order_id);
      assert(cur, `order ${row.client_order_id} vanished from the outbox`);
      if (cur.state !== 'unknown') {
        // The feed resolved it meanwhile. A failed lookup still says the platform wants us to
        // wait (429 Retry-After, 5xx): honour that before the next request.
        if (err && err.outcome !== 'final' && err.outcome !== 'not_found') {
          this.pause(err, now);
          return n;
        }
        continue;
      }
      if (order) {
        this.h.adoptOrder(cur, order, now);
        this.consecutive_failures = 0;
      } else if (err!.outcome === 'not_found') {
        // It never arrived. A resend is safe (and the platform would catch a straggler anyway).
        this.consecutive_failures = 0;
        if (cur.cancel_requested === 1) this.h.finishLocally(cur, 'canceled', 'canceled before it reached the platform', now);
        else if (now > cur.deadline_ms) this.h.finishLocally(cur, 'expired', 'expired before it reached the platform', now);
        else this.h.st.setPending.run({ client_order_id: cur.client_order_id, state: 'queued', attempts: cur.attempts, next_attempt_ms: 0, last_error: null, now });
      } else {
        this.h.st.setPending.run({
          client_order_id: cur.client_order_id,
          state: 'unknown',
          attempts: cur.attempts,
          next_attempt_ms: now + this.backoffMs(this.consecutive_failures + 1),
          last_error: `lookup failed: ${err!.code}: ${err!.message}`.slice(0, 500),
          now,
        });
        this.pause(err!, now);
        this.h.emit([cur.client_order_id]);
        return n + 1;
      }
      n++;
      this.h.emit([cur.client_order_id]);
    }
    return n;
  }

  private async sendCancels(): Promise<number> {
    const rows = this.h.st.dueCancels.all(this.h.clock.now_ms(), RESOLVE_BATCH_MAX) as OutboxRow[];
    let n = 0;
    for (const row of rows) {
      if (!this.pacer.take(this.h.clock.now_ms())) break;
      assert(row.order_id !== null, 'cancel without a platform order id');
      let order: Order | null = null;
      let err: TransportError | null = null;
      try {
        order = await this.h.transport.cancelOrder(row.order_id);
      } catch (e) {
        err = toTransportError(e);
      }
      if (this.h.isClosed()) return n;
      const now = this.h.clock.now_ms();
      const cur = this.h.row(row.client_order_id)!;
      n++;
      if (order) {
        this.consecutive_failures = 0;
        this.h.adoptOrder(cur, order, now);
        this.clearCancel(cur, null, now);
      } else if (err!.outcome === 'final' || err!.outcome === 'not_found') {
        // 409 order_not_open: it ended first (filled, expired). The answer carries its state.
        if (err!.order) this.h.adoptOrder(cur, err!.order, now);
        this.clearCancel(this.h.row(cur.client_order_id)!, `cancel refused: ${err!.code}: ${err!.message}`, now);
      } else if (!LIVE_STATES.includes(cur.state)) {
        // The answer was lost, but the feed ended the order meanwhile (a refresh ran while we
        // awaited): there is nothing left to cancel, so the request is not retried. The failure
        // still paces the next request (429 Retry-After, 5xx backoff).
        this.clearCancel(cur, null, now);
        this.pause(err!, now);
        this.h.emit([cur.client_order_id]);
        return n;
      } else {
        // A cancel is safe to repeat and the user's intent must not be dropped: it is retried
        // (backoff capped at BACKOFF_MAX_MS) until the platform answers or the order ends.
        const attempts = Math.min(cur.cancel_attempts + 1, MAX_CANCEL_ATTEMPTS);
        this.h.st.setCancelRetry.run({
          client_order_id: cur.client_order_id,
          cancel_requested: 1,
          cancel_attempts: attempts,
          cancel_next_ms: now + this.backoffMs(attempts),
          last_error: `cancel failed: ${err!.code}: ${err!.message}`.slice(0, 500),
          now,
        });
        this.pause(err!, now);
        this.h.emit([cur.client_order_id]);
        return n;
      }
      this.h.emit([cur.client_order_id]);
    }
    return n;
  }

  /** Cancels of orders placed elsewhere: the answer settles the request; the feed moves the order. */
  private async sendExternalCancels(): Promise<number> {
    this.h.feed.pruneCancels();
    const now0 = this.h.clock.now_ms();
    const rows = this.h.feed.waitingCancels().filter((c) => c.next_ms <= now0).slice(0, RESOLVE_BATCH_MAX);
    let n = 0;
    for (const row of rows) {
      if (!this.pacer.take(this.h.clock.now_ms())) break;
      let err: TransportError | null = null;
      try {
        await this.h.transport.cancelOrder(row.order_id);
      } catch (e) {
        err = toTransportError(e);
      }
      if (this.h.isClosed()) return n;
      const now = this.h.clock.now_ms();
      n++;
      if (err === null) {
        this.consecutive_failures = 0;
        this.h.st.setExternalCancel.run({ order_id: row.order_id, state: 'sent', attempts: row.attempts + 1, next_ms: 0, last_error: null, now });
      } else if (err.outcome === 'final' || err.outcome === 'not_found') {
        // Ended first (filled, expired, canceled elsewhere), or not this account's order.
        this.h.st.setExternalCancel.run({ order_id: row.order_id, state: 'refused', attempts: row.attempts + 1, next_ms: 0, last_error: `cancel refused: ${err.code}: ${err.message}`.slice(0, 500), now });
      } else {
        // Lost or refused for now: retried with backoff until an answer or the feed ends the order.
        const attempts = Math.min(row.attempts + 1, MAX_CANCEL_ATTEMPTS);
        this.h.st.setExternalCancel.run({ order_id: row.order_id, state: 'pending', attempts, next_ms: now + this.backoffMs(attempts), last_error: `cancel failed: ${err.code}: ${err.message}`.slice(0, 500), now });
        this.pause(err, now);
        this.h.emit([row.order_id]);
        return n;
      }
      this.h.emit([row.order_id]);
    }
    return n;
  }

  private clearCancel(row: OutboxRow, last_error: string | null, now: number): void {
    this.h.st.setCancelRetry.run({ client_order_id: row.client_order_id, cancel_requested: 0, cancel_attempts: row.cancel_attempts, cancel_next_ms: 0, last_error, now });
  }

  private async sendQueued(): Promise<number> {
    const now0 = this.h.clock.now_ms();
    const budget = Math.min(SEND_WINDOW_MAX, this.pacer.available(now0));
    if (budget < 1) return 0;
    const due = this.h.st.dueQueued.all(now0, budget) as OutboxRow[];
    if (due.length === 0) return 0;
    // Stale or canceled before sending: end locally, never sent. The rest: `sending`, one commit.
    const window: OutboxRow[] = [];
    const ended: string[] = [];
    this.h.db
      .transaction(() => {
        for (const r of due) {
          if (r.cancel_requested === 1) this.h.finishLocally(r, 'canceled', 'canceled before it was sent', now0);
          else if (now0 > r.deadline_ms) this.h.finishLocally(r, 'expired', 'expired before it could be sent', now0);
          else {
            assert(this.h.st.markSending.run(now0, r.queue_seq).changes === 1, `order ${r.client_order_id} left the queue under the sender`);
            window.push(r);
            continue;
          }
          ended.push(r.client_order_id);
        }
      })
      .immediate();
    this.h.emit(ended);
    // Requests leave in queue order, at most max_in_flight outstanding (1: one at a time).
    const outcomes: SendOutcome[] = new Array<SendOutcome>(window.length);
    let next = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < window.length; i = next++) {
        const row = window[i]!;
        if (stop || this.h.isClosed() || !this.pacer.take(this.h.clock.now_ms())) {
          outcomes[i] = { row, skipped: true };
          continue;
        }
        try {
          outcomes[i] = { row, order: (await this.h.transport.createOrder(JSON.parse(row.request) as OrderRequest)).order };
        } catch (e) {
          const err = toTransportError(e);
          outcomes[i] = { row, error: err };
          // A final refusal is this order's alone; anything else stops the window (keeps order).
          if (err.outcome !== 'final') stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.h.max_in_flight, window.length) }, worker));
    if (this.h.isClosed()) return 0;
    this.record(outcomes);
    return outcomes.filter((o) => !o.skipped).length;
  }

  /** Commits a window's answers in one transaction. */
  private record(outcomes: SendOutcome[]): void {
    const now = this.h.clock.now_ms();
    // Every failure of the window pauses the queue (the longest pause wins: a Retry-After is never cut short).
    const pause_errs: TransportError[] = [];
    this.h.db
      .transaction(() => {
        for (const o of outcomes) {
          const cur = this.h.row(o.row.client_order_id);
          assert(cur, `order ${o.row.client_order_id} vanished while sending`);
          if (o.order) {
            this.h.adoptOrder(cur, o.order, now);
            continue;
          }
          if (cur.on_platform === 1) continue; // the feed saw it meanwhile
          if (o.skipped) {
            this.h.st.setPending.run({ client_order_id: cur.client_order_id, state: 'queued', attempts: cur.attempts, next_attempt_ms: 0, last_error: cur.last_error, now });
            continue;
          }
          const e = o.error!;
          const msg = `${e.code}: ${e.message}`.slice(0, 500);
          if (e.outcome === 'final' || e.outcome === 'not_found') {
            this.h.finishLocally(cur, 'rejected', msg, now, msg);
          } else if (e.outcome === 'unknown') {
            this.h.st.setPending.run({ client_order_id: cur.client_order_id, state: 'unknown', attempts: cur.attempts + 1, next_attempt_ms: 0, last_error: msg, now });
            pause_errs.push(e);
          } else {
            // Transient: nothing was applied. A 429 is pacing, not a failure of this order.
            const attempts = e.status === 429 ? cur.attempts : cur.attempts + 1;
            if (attempts >= MAX_SEND_ATTEMPTS) {
              this.h.finishLocally({ ...cur, attempts }, 'rejected', `gave up after ${attempts} failed attempts (last: ${msg})`, now, msg);
            } else {
              this.h.st.setPending.run({ client_order_id: cur.client_order_id, state: 'queued', attempts, next_attempt_ms: 0, last_error: msg, now });
            }
            pause_errs.push(e);
          }
        }
      })
      .immediate();
    for (const e of pause_errs) this.pause(e, now);
    if (pause_errs.length === 0 && outcomes.some((o) => o.order)) this.consecutive_failures = 0;
    this.h.emit(outcomes.map((o) => o.row.client_order_id));
  }
}
