// Version 9: fill totals per order (owner: the ledger), so an order's average fill price and
// fees are read through the ledger's API instead of scanning the journal. Amounts are scaled
// integers (× 10^8) like the postings; existing fills are summed once here, exactly.
import type { Migration } from './steps-ledger.js';
import { mulScaled, toScaled } from '../ledger/amounts.js';

export const STEP_9: Migration = {
  version: 9,
  description: 'ledger: fill totals per order (quantity, notional, fees) for average fill price and fees',
  up(db) {
    db.exec(`
      CREATE TABLE order_fills (
        client_order_id TEXT PRIMARY KEY,
        fills INTEGER NOT NULL CHECK (fills >= 0),
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        notional INTEGER NOT NULL CHECK (notional >= 0),
        fees INTEGER NOT NULL CHECK (fees >= 0)
      ) STRICT, WITHOUT ROWID;
    `);
    const add = db.prepare(FILL_UPSERT);
    // Pages by id: a statement cannot write while another on the connection is iterating.
    const page = db.prepare(
      `SELECT id, data FROM entries WHERE type = 'fill' AND seq IS NOT NULL AND id > ?
         AND id NOT IN (SELECT reverses FROM entries WHERE reverses IS NOT NULL) ORDER BY id LIMIT ${BACKFILL_PAGE}`,
    );
    for (let after = 0; ; ) {
      const rows = page.all(after) as { id: number; data: string }[];
      for (const r of rows) {
        const f = JSON.parse(r.data) as { client_order_id: string; price_usd: string; quantity: string; fee_usd: string };
        const q = toScaled(f.quantity);
        add.run(f.client_order_id, 1, q, mulScaled(toScaled(f.price_usd), q, 'fill notional'), toScaled(f.fee_usd));
      }
      if (rows.length < BACKFILL_PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
  },
};

const BACKFILL_PAGE = 5000;

/** Adds one fill to its order's totals. */
export const FILL_UPSERT = `INSERT INTO order_fills (client_order_id, fills, quantity, notional, fees) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (client_order_id) DO UPDATE SET fills = fills + excluded.fills, quantity = quantity + excluded.quantity,
    notional = notional + excluded.notional, fees = fees + excluded.fees`;
