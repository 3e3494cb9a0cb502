// Version 10: a sell order's chosen lots (owner: electron/services/orders).
import type { Migration } from './steps-ledger.js';

export const STEP_10: Migration = {
  version: 10,
  description: 'order outbox: the lots a sell order chose (specific identification), JSON, kept with the order for the tax engine',
  up(db) {
    db.exec(`ALTER TABLE order_outbox ADD COLUMN lots TEXT`);
  },
};
