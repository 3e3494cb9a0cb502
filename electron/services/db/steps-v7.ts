// Schema version 7 and what it replaces: the order outbox's own steps (shipped with their
// own version in outbox_meta) and the compute tables (shipped unversioned). Shipped steps are
// never edited.
import type Database from 'better-sqlite3';
import type { Migration } from './steps-ledger.js';

const LEGACY_OUTBOX_STEPS: readonly Migration[] = [
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


/** The compute service's tables as it created them (CREATE IF NOT EXISTS, unversioned) before version 7. */
const COMPUTE_TABLES_SQL = `
    -- The subscription as last fetched, so the Compute screen shows it offline (marked stale).
    CREATE TABLE IF NOT EXISTS subscription_cache (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      json TEXT NOT NULL,
      fetched_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS redemptions (
      request_id TEXT PRIMARY KEY,
      tokens TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'refused')),
      market_price_usd TEXT,
      seq INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_ms INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_ms INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS redemptions_pending ON redemptions (next_ms) WHERE state = 'pending';
`;

const hasTable = (db: Database.Database, name: string) =>
  db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(name) !== undefined;

/** Outbox versions 1..3 (its own outbox_meta.version), shipped before the one version scheme. */
export const LEGACY_OUTBOX_LATEST = LEGACY_OUTBOX_STEPS.length;

/**
 * Version 7: the order outbox (versioned by outbox_meta until now) and the compute tables
 * (unversioned CREATE IF NOT EXISTS) join the one migration list. A file may hold the outbox
 * at any of its versions 0..3 and the compute tables or not; all end in the same schema.
 */
export const STEP_7: Migration = {
  version: 7,
  description: 'one schema: the order outbox (was outbox_meta 1..3) and the compute tables (was unversioned) join the migration list',
  up(db) {
    const from = hasTable(db, 'outbox_meta') ? ((db.prepare(`SELECT version FROM outbox_meta WHERE id = 1`).pluck().get() as number | undefined) ?? 0) : 0;
    if (!Number.isInteger(from) || from < 0 || from > LEGACY_OUTBOX_LATEST) throw new Error(`order outbox schema version ${String(from)} is not one this app knows (0..${LEGACY_OUTBOX_LATEST})`);
    for (const step of LEGACY_OUTBOX_STEPS) if (step.version > from) step.up(db);
    db.exec('DROP TABLE IF EXISTS outbox_meta');
    db.exec(COMPUTE_TABLES_SQL);
  },
};

/** Builds a file as an app before version 7 left it (tests and fixtures only). */
export const LEGACY_FOR_FIXTURES = {
  outbox(db: Database.Database, version: number): void {
    db.exec(`CREATE TABLE outbox_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT`);
    db.prepare(`INSERT INTO outbox_meta (id, version) VALUES (1, ?)`).run(version);
    for (const step of LEGACY_OUTBOX_STEPS) if (step.version <= version) step.up(db);
  },
  compute(db: Database.Database): void {
    db.exec(COMPUTE_TABLES_SQL);
  },
};
