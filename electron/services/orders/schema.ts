// The outbox's own tables in the ledger's SQLite file, with their own schema version
// (outbox_meta.version), because the ledger's migration list belongs to the ledger.
// Never edit a shipped migration: append one.
import type Database from 'better-sqlite3';

export interface OutboxMigration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const OUTBOX_MIGRATIONS: readonly OutboxMigration[] = [
  {
    version: 1,
    description: 'order outbox: one row per order placed on this device',
    up(db) {
      db.exec(`
        CREATE TABLE order_outbox (
          -- Queue position: placement order.
          queue_seq INTEGER PRIMARY KEY AUTOINCREMENT,
          client_order_id TEXT NOT NULL UNIQUE,
          -- The exact OrderRequest body sent (and re-sent, byte for byte) to the platform.
          request TEXT NOT NULL,
          side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
          type TEXT NOT NULL CHECK (type IN ('limit', 'market')),
          price TEXT,
          protection_price TEXT,
          quantity TEXT NOT NULL,
          time_in_force TEXT NOT NULL,
          post_only INTEGER NOT NULL CHECK (post_only IN (0, 1)),
          deadline_ms INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'unknown', 'open', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected')),
          reason TEXT,
          order_id TEXT,
          -- Best known filled quantity (max of the platform's answers and the event feed).
          filled_quantity TEXT NOT NULL DEFAULT '0',
          -- True once the platform is known to hold this order (an answer, a lookup or an event).
          on_platform INTEGER NOT NULL DEFAULT 0 CHECK (on_platform IN (0, 1)),
          -- The latest order event from the feed (via the ledger): seq, status, filled quantity.
          -- Reservations follow the feed, because settled balances do.
          feed_seq INTEGER NOT NULL DEFAULT 0,
          feed_status TEXT,
          feed_filled TEXT NOT NULL DEFAULT '0',
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_ms INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
          cancel_attempts INTEGER NOT NULL DEFAULT 0,
          cancel_next_ms INTEGER NOT NULL DEFAULT 0,
          created_ms INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX order_outbox_pending ON order_outbox (queue_seq) WHERE state IN ('queued', 'sending', 'unknown');
        CREATE INDEX order_outbox_live ON order_outbox (queue_seq) WHERE state IN ('open', 'partially_filled') OR cancel_requested = 1;
      `);
    },
  },
  {
    version: 2,
    description: "the platform's last Retry-After, kept across restarts (the limit is per API key)",
    up(db) {
      db.exec(`
        -- IF NOT EXISTS: a development build briefly created this table in version 1.
        CREATE TABLE IF NOT EXISTS outbox_pause (id INTEGER PRIMARY KEY CHECK (id = 1), retry_after_until_ms INTEGER NOT NULL) STRICT;
        INSERT OR IGNORE INTO outbox_pause (id, retry_after_until_ms) VALUES (1, 0);
      `);
    },
  },
  {
    version: 3,
    description: 'cancel requests for live orders placed elsewhere (another device, the web)',
    up(db) {
      db.exec(`
        -- One row per order this wallet did not place and the user asked to cancel. The
        -- request waits here while offline and is retried (safe to repeat) until the
        -- platform answers or the feed shows the order ended.
        CREATE TABLE external_cancels (
          order_id TEXT PRIMARY KEY,
          state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'refused')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_ms INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          requested_ms INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX external_cancels_pending ON external_cancels (next_ms) WHERE state = 'pending';
      `);
    },
  },
];

export const OUTBOX_LATEST_VERSION = OUTBOX_MIGRATIONS.length;
OUTBOX_MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`outbox migration ${i} has version ${m.version}; versions must be 1, 2, 3, ...`);
});

/** Creates/upgrades the outbox tables. Returns the version found before. */
export function migrateOutbox(db: Database.Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS outbox_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT`);
  db.prepare(`INSERT OR IGNORE INTO outbox_meta (id, version) VALUES (1, 0)`).run();
  const from = db.prepare(`SELECT version FROM outbox_meta WHERE id = 1`).pluck().get() as number;
  if (from > OUTBOX_LATEST_VERSION) {
    throw new Error(`order outbox schema version ${from} is newer than this app (${OUTBOX_LATEST_VERSION}); update the app`);
  }
  for (const m of OUTBOX_MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare(`UPDATE outbox_meta SET version = ? WHERE id = 1`).run(m.version);
    }).immediate();
  }
  return from;
}
