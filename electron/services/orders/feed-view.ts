// What the order service knows of the platform's orders through the ledger's named reads
// (ledger.feedOrders()), joined with its own tables in code: orders placed elsewhere that
// rest on the book (they hold funds, and the user may cancel them), this wallet's cancel
// requests for them, and the catch-up of outbox rows after a restart. The order service
// never reads the ledger's tables.
import type { FeedOrder } from '../ledger/feed-orders.js';
import type { LedgerView } from './options.js';
import type { ExternalOrderRow, Store } from './store.js';
import { MAX_EXTERNAL_CANCELS } from './types.js';

/** Cancel requests kept at once: pending ones are capped at MAX_EXTERNAL_CANCELS, sent ones end with their order. */
const EXTERNAL_CANCEL_ROWS_MAX = 100_000;

const LIVE: ReadonlySet<string> = new Set(['open', 'partially_filled']);

/** A cancel request still to be sent: pending, and its order still live in the feed. */
export interface WaitingCancel {
  order_id: string;
  attempts: number;
  next_ms: number;
}

export class FeedView {
  constructor(
    private readonly ledger: LedgerView,
    private readonly st: Store,
  ) {}

  private placedHere(o: FeedOrder): boolean {
    return this.st.placedHere.get(o.client_order_id) !== undefined;
  }

  private withCancel(o: FeedOrder): ExternalOrderRow {
    const c = this.st.externalCancelOf.get(o.order_id) as { state: ExternalOrderRow['cancel_state']; last_error: string | null } | undefined;
    return {
      order_id: o.order_id,
      client_order_id: o.client_order_id,
      side: o.side,
      order_type: o.order_type,
      price_usd: o.price_usd,
      quantity: o.quantity,
      filled_quantity: o.filled_quantity,
      status: o.status,
      updated_at: o.updated_at,
      cancel_state: c?.state ?? null,
      cancel_error: c?.last_error ?? null,
    };
  }

  /** Every live limit order placed elsewhere (what they reserve counts against what is available). */
  externalLive(): (FeedOrder & { price_usd: string })[] {
    return this.ledger.feedOrders().allLive().filter((o): o is FeedOrder & { price_usd: string } => o.price_usd !== null && !this.placedHere(o));
  }

  /** Live orders placed elsewhere, most recently changed first, with this wallet's cancel request for each. */
  externalLiveList(limit: number): ExternalOrderRow[] {
    const out: ExternalOrderRow[] = [];
    for (const o of this.ledger.feedOrders().allLive()) {
      if (out.length >= limit) break;
      if (!this.placedHere(o)) out.push(this.withCancel(o));
    }
    return out;
  }

  /** One order of the feed by platform id, with whether this wallet placed it. */
  byId(order_id: string): (ExternalOrderRow & { placed_here: boolean }) | undefined {
    const o = this.ledger.feedOrders().byId(order_id);
    return o ? { ...this.withCancel(o), placed_here: this.placedHere(o) } : undefined;
  }

  /** Cancel requests still to be sent (their order still live in the feed), oldest request first. */
  waitingCancels(): WaitingCancel[] {
    const rows = this.st.pendingExternalCancelRows.all(MAX_EXTERNAL_CANCELS) as WaitingCancel[];
    return rows.filter((r) => LIVE.has(this.ledger.feedOrders().byId(r.order_id)?.status ?? ''));
  }

  /** Drops the requests whose order the feed shows ended: nothing left to do or show. */
  pruneCancels(): void {
    for (const id of this.st.externalCancelIds.all(EXTERNAL_CANCEL_ROWS_MAX) as string[]) {
      const o = this.ledger.feedOrders().byId(id);
      if (o && !LIVE.has(o.status)) this.st.deleteExternalCancel.run(id);
    }
  }

  /**
   * Outbox rows the feed has moved past what they converged to (catch-up after a restart):
   * the feed's newer state of each, oldest change first, at most `limit` per call.
   */
  behind(limit: number): FeedOrder[] {
    const out: FeedOrder[] = [];
    let after = 0;
    for (;;) {
      const rows = this.st.unconverged.all(after, 1_000) as { queue_seq: number; client_order_id: string; feed_seq: number }[];
      for (const r of rows) {
        const o = this.ledger.feedOrders().byClientId(r.client_order_id);
        if (o && o.last_seq > r.feed_seq) out.push(o);
      }
      if (rows.length < 1_000) break;
      after = rows[rows.length - 1]!.queue_seq;
    }
    return out.sort((a, b) => a.last_seq - b.last_seq).slice(0, limit);
  }
}
