// What the order module tells about an archived wallet file (issue 13): the orders it still
// had to send or to resolve. Read-only, over the module's own table.
import type Database from 'better-sqlite3';
import { OrderRequest } from '../../../shared/platform/api.js';

export interface UnsentOrder {
  client_order_id: string;
  request: OrderRequest;
  deadline_ms: number;
  state: 'queued' | 'sending' | 'unknown';
}

/** Orders queued, being sent or of unknown fate in `db` (a read-only handle at the current schema). */
export function unsentOrdersIn(db: Database.Database, limit: number): UnsentOrder[] {
  const rows = db
    .prepare(`SELECT client_order_id, request, deadline_ms, state FROM order_outbox WHERE state IN ('queued', 'sending', 'unknown') ORDER BY queue_seq LIMIT ?`)
    .all(limit) as { client_order_id: string; request: string; deadline_ms: number; state: UnsentOrder['state'] }[];
  return rows.map((r) => ({ ...r, request: OrderRequest.parse(JSON.parse(r.request)) }));
}
