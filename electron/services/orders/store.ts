// The outbox rows and the SQL over them. Every write is a short statement or transaction on
// the ledger's connection (synchronous=FULL): a row written here survives a power cut.
import type Database from 'better-sqlite3';
import type { OrderRequest } from '../../../shared/platform/api.js';
import { assertCurrentSchema } from '../db/migrations.js';
import { assert, type OrderState } from './types.js';

export interface OutboxRow {
  queue_seq: number;
  client_order_id: string;
  request: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  price: string | null;
  protection_price: string | null;
  quantity: string;
  time_in_force: 'GTC' | 'GTD' | 'IOC' | 'FOK';
  post_only: number;
  deadline_ms: number;
  state: OrderState;
  reason: string | null;
  order_id: string | null;
  filled_quantity: string;
  on_platform: number;
  feed_seq: number;
  feed_status: string | null;
  feed_filled: string;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  cancel_requested: number;
  cancel_attempts: number;
  cancel_next_ms: number;
  created_ms: number;
  updated_ms: number;
  /** A sell's chosen lots, JSON ([{ lot_id, quantity }]), or null. */
  lots: string | null;
}

export interface NewOrderRow {
  client_order_id: string;
  request: OrderRequest;
  deadline_ms: number;
  now_ms: number;
}

const PENDING_SQL = `('queued', 'sending', 'unknown')`;
const LIVE_SQL = `('open', 'partially_filled')`;
export interface ExternalOrderRow {
  order_id: string;
  client_order_id: string;
  side: 'buy' | 'sell';
  order_type: 'limit' | 'market';
  price_usd: string | null;
  quantity: string;
  filled_quantity: string;
  status: string;
  updated_at: string;
  cancel_state: 'pending' | 'sent' | 'refused' | null;
  cancel_error: string | null;
}

export function prepareStore(db: Database.Database) {
  // The outbox tables come with the one schema (electron/services/db/migrations.ts).
  assertCurrentSchema(db, 'order outbox');
  // FULL so the outbox row is on disk before anything is sent (the ledger sets it too).
  db.pragma('synchronous = FULL');
  const sync = db.pragma('synchronous', { simple: true }) as number;
  assert(sync >= 2, `outbox needs synchronous=FULL, connection has ${sync}`);
  return {
    insert: db.prepare(
      `INSERT INTO order_outbox (client_order_id, request, side, type, price, protection_price, quantity, time_in_force, post_only, deadline_ms, state, created_ms, updated_ms, lots)
       VALUES (@client_order_id, @request, @side, @type, @price, @protection_price, @quantity, @time_in_force, @post_only, @deadline_ms, 'queued', @now, @now, @lots)`,
    ),
    byId: db.prepare(`SELECT * FROM order_outbox WHERE client_order_id = ?`),
    /** Sell orders with chosen lots (the tax engine's order_lots), oldest first. */
    chosenLots: db.prepare(`SELECT client_order_id, lots FROM order_outbox WHERE lots IS NOT NULL ORDER BY queue_seq`),
    pendingCount: db.prepare(`SELECT count(*) FROM order_outbox WHERE state IN ${PENDING_SQL}`).pluck(),
    /** Rows that may hold a reservation: pending, live, or final on the platform but not yet in the feed. */
    reserving: db.prepare(
      `SELECT * FROM order_outbox WHERE state IN ${PENDING_SQL} OR state IN ${LIVE_SQL}
         OR (on_platform = 1 AND (feed_status IS NULL OR feed_status IN ${LIVE_SQL}))`,
    ),
    /** Whether this wallet placed the order with this client_order_id. */
    placedHere: db.prepare(`SELECT 1 FROM order_outbox WHERE client_order_id = ?`).pluck(),
    /** This wallet's cancel request for an order placed elsewhere, if any. */
    externalCancelOf: db.prepare(`SELECT state, last_error FROM external_cancels WHERE order_id = ?`),
    /** Pending cancel requests (at most MAX_EXTERNAL_CANCELS exist), oldest first; the feed says which orders are still live. */
    pendingExternalCancelRows: db.prepare(`SELECT order_id, attempts, next_ms FROM external_cancels WHERE state = 'pending' ORDER BY requested_ms, order_id LIMIT ?`),
    externalCancelIds: db.prepare(`SELECT order_id FROM external_cancels ORDER BY order_id LIMIT ?`).pluck(),
    deleteExternalCancel: db.prepare(`DELETE FROM external_cancels WHERE order_id = ?`),
    externalCancelCount: db.prepare(`SELECT count(*) FROM external_cancels WHERE state = 'pending'`).pluck(),
    /** A new request, or a repeat after a refusal; a request already pending or sent is left as it is. */
    requestExternalCancel: db.prepare(
      `INSERT INTO external_cancels (order_id, state, attempts, next_ms, last_error, requested_ms, updated_ms) VALUES (?, 'pending', 0, 0, NULL, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET state = 'pending', attempts = 0, next_ms = 0, last_error = NULL, requested_ms = excluded.requested_ms,
         updated_ms = excluded.updated_ms WHERE external_cancels.state = 'refused'`,
    ),
    setExternalCancel: db.prepare(
      `UPDATE external_cancels SET state = @state, attempts = @attempts, next_ms = @next_ms, last_error = @last_error, updated_ms = @now WHERE order_id = @order_id`,
    ),
    staleQueued: db.prepare(`SELECT * FROM order_outbox WHERE state = 'queued' AND deadline_ms < ? ORDER BY queue_seq LIMIT ?`),
    nextExpiry: db.prepare(`SELECT min(deadline_ms) FROM order_outbox WHERE state = 'queued'`).pluck(),
    dueQueued: db.prepare(`SELECT * FROM order_outbox WHERE state = 'queued' AND next_attempt_ms <= ? ORDER BY queue_seq LIMIT ?`),
    dueUnknown: db.prepare(`SELECT * FROM order_outbox WHERE state = 'unknown' AND next_attempt_ms <= ? ORDER BY queue_seq LIMIT ?`),
    dueCancels: db.prepare(
      `SELECT * FROM order_outbox WHERE cancel_requested = 1 AND state IN ${LIVE_SQL} AND order_id IS NOT NULL AND cancel_next_ms <= ? ORDER BY queue_seq LIMIT ?`,
    ),
    nextDue: db.prepare(
      `SELECT min(t) FROM (
         SELECT min(next_attempt_ms) AS t FROM order_outbox WHERE state IN ('queued', 'unknown')
         UNION ALL SELECT min(cancel_next_ms) FROM order_outbox WHERE cancel_requested = 1 AND state IN ${LIVE_SQL} AND order_id IS NOT NULL)`,
    ).pluck(),
    workCount: db.prepare(
      `SELECT count(*) FROM order_outbox WHERE state IN ${PENDING_SQL} OR (cancel_requested = 1 AND state IN ${LIVE_SQL})`,
    ).pluck(),
    markSending: db.prepare(`UPDATE order_outbox SET state = 'sending', updated_ms = ? WHERE queue_seq = ? AND state = 'queued'`),
    sendingToUnknown: db.prepare(`UPDATE order_outbox SET state = 'unknown', next_attempt_ms = 0, updated_ms = ? WHERE state = 'sending'`),
    setPending: db.prepare(
      `UPDATE order_outbox SET state = @state, attempts = @attempts, next_attempt_ms = @next_attempt_ms, last_error = @last_error, updated_ms = @now
       WHERE client_order_id = @client_order_id`,
    ),
    setLocalFinal: db.prepare(
      `UPDATE order_outbox SET state = @state, reason = @reason, attempts = @attempts, last_error = @last_error, cancel_requested = 0, updated_ms = @now
       WHERE client_order_id = @client_order_id AND on_platform = 0`,
    ),
    setPlatform: db.prepare(
      `UPDATE order_outbox SET state = @state, reason = @reason, order_id = @order_id, filled_quantity = @filled_quantity, on_platform = 1,
         cancel_requested = @cancel_requested, last_error = NULL, updated_ms = @now
       WHERE client_order_id = @client_order_id`,
    ),
    setFeed: db.prepare(
      `UPDATE order_outbox SET feed_seq = @feed_seq, feed_status = @feed_status, feed_filled = @feed_filled WHERE client_order_id = @client_order_id`,
    ),
    requestCancel: db.prepare(`UPDATE order_outbox SET cancel_requested = 1, cancel_attempts = 0, cancel_next_ms = 0, updated_ms = ? WHERE client_order_id = ?`),
    setCancelRetry: db.prepare(
      `UPDATE order_outbox SET cancel_requested = @cancel_requested, cancel_attempts = @cancel_attempts, cancel_next_ms = @cancel_next_ms, last_error = @last_error, updated_ms = @now
       WHERE client_order_id = @client_order_id`,
    ),
    /** Rows the feed may still move (not seen final there), after a queue_seq: the catch-up asks the ledger about each. */
    unconverged: db.prepare(
      `SELECT queue_seq, client_order_id, feed_seq FROM order_outbox
        WHERE (feed_status IS NULL OR feed_status IN ${LIVE_SQL}) AND queue_seq > ? ORDER BY queue_seq LIMIT ?`,
    ),
    getRetryAfter: db.prepare(`SELECT retry_after_until_ms FROM outbox_pause WHERE id = 1`).pluck(),
    setRetryAfter: db.prepare(`UPDATE outbox_pause SET retry_after_until_ms = ? WHERE id = 1`),
    list: db.prepare(`SELECT * FROM order_outbox ORDER BY queue_seq DESC LIMIT ?`),
    listStates: db.prepare(`SELECT * FROM order_outbox WHERE state IN (SELECT value FROM json_each(?)) ORDER BY queue_seq DESC LIMIT ?`),
    queue: db.prepare(
      `SELECT * FROM order_outbox WHERE state IN ${PENDING_SQL} OR (cancel_requested = 1 AND state IN ${LIVE_SQL}) ORDER BY queue_seq LIMIT ?`,
    ),
  };
}

export type Store = ReturnType<typeof prepareStore>;
