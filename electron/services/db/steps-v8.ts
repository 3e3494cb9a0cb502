// Version 8: work left in archived ledgers (owner: electron/app/stranded.ts).
import type { Migration } from './steps-ledger.js';

export const STEP_8: Migration = {
  version: 8,
  description: 'stranded: queued orders and waiting redemptions found in archived ledgers, until the user sends or cancels them',
  up(db) {
    db.exec(`
      CREATE TABLE stranded (
        kind TEXT NOT NULL CHECK (kind IN ('order', 'redemption')),
        id TEXT NOT NULL,
        summary TEXT NOT NULL,
        state_when_archived TEXT NOT NULL,
        -- What "send" needs: the order request and its deadline, or the redemption's tokens.
        payload TEXT NOT NULL,
        archived_file TEXT NOT NULL,
        archived_platform TEXT NOT NULL,
        archived_account_id TEXT,
        archived_ms INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'canceled')),
        resolved_ms INTEGER,
        PRIMARY KEY (kind, id)
      ) STRICT;
      -- Archived files already looked through (each once).
      CREATE TABLE stranded_sources (file TEXT PRIMARY KEY, scanned_ms INTEGER NOT NULL) STRICT;
    `);
  },
};
