// Schema of the platform store, one definition for both engines: written in SQLite's
// dialect and translated for PostgreSQL by postgresDdl(). Amounts are scaled integers
// (units.ts; BIGINT in PostgreSQL, never floating point); CHECK constraints are the last line
// of defence for the balance invariants: a write that would make a balance negative or
// over-reserve aborts the whole transaction. Unique keys enforce what must happen once:
// (account_id, seq) of events, (account_id, client_order_id) of orders, (account_id,
// request_id) of idempotency keys, (timestamp_ms, signature) of replay claims.
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 2;

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  price_usd TEXT NOT NULL,
  credits TEXT NOT NULL,
  min_charge_usd TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS accounts (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'sim')),
  plan_id TEXT NOT NULL REFERENCES plans(id),
  created_ms INTEGER NOT NULL,
  usd_total INTEGER NOT NULL DEFAULT 0,
  usd_reserved INTEGER NOT NULL DEFAULT 0,
  tok_total INTEGER NOT NULL DEFAULT 0,
  tok_reserved INTEGER NOT NULL DEFAULT 0,
  CHECK (usd_reserved >= 0 AND usd_reserved <= usd_total),
  CHECK (tok_reserved >= 0 AND tok_reserved <= tok_total)
);

CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  secret TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS periods (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  idx INTEGER NOT NULL,
  starts_ms INTEGER NOT NULL,
  ends_ms INTEGER NOT NULL,
  price_usd TEXT NOT NULL,
  credits_lots INTEGER NOT NULL,
  used_lots INTEGER NOT NULL DEFAULT 0,
  redeemed_lots INTEGER NOT NULL DEFAULT 0,
  face_value_usd TEXT NOT NULL,
  election TEXT NOT NULL CHECK (election IN ('mint', 'renewal_credit')),
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  unused_lots INTEGER,
  UNIQUE (account_id, idx),
  CHECK (used_lots >= 0 AND used_lots <= credits_lots + redeemed_lots)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS periods_due ON periods(ends_ms) WHERE status = 'open';

CREATE TABLE IF NOT EXISTS orders (
  num INTEGER PRIMARY KEY,
  -- Derived, not stored or indexed: one index less to write per order.
  id TEXT GENERATED ALWAYS AS ('ord_' || num) VIRTUAL,
  account_id TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  side TEXT NOT NULL,
  type TEXT NOT NULL,
  price_ticks INTEGER,
  protection_ticks INTEGER,
  qty_lots INTEGER NOT NULL,
  filled_lots INTEGER NOT NULL DEFAULT 0,
  notional_micros INTEGER NOT NULL DEFAULT 0,
  fees_micros INTEGER NOT NULL DEFAULT 0,
  reserved_micros INTEGER NOT NULL DEFAULT 0,
  reserved_lots INTEGER NOT NULL DEFAULT 0,
  tif TEXT NOT NULL,
  expire_ms INTEGER,
  post_only INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  UNIQUE (account_id, client_order_id),
  CHECK (filled_lots >= 0 AND filled_lots <= qty_lots),
  CHECK (reserved_micros >= 0 AND reserved_lots >= 0)
);
CREATE INDEX IF NOT EXISTS orders_open ON orders(num) WHERE status IN ('open', 'partially_filled');
CREATE INDEX IF NOT EXISTS orders_gtd ON orders(expire_ms) WHERE expire_ms IS NOT NULL AND status IN ('open', 'partially_filled');
CREATE INDEX IF NOT EXISTS orders_account ON orders(account_id, num);

CREATE TABLE IF NOT EXISTS trades (
  num INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  price_ticks INTEGER NOT NULL,
  qty_lots INTEGER NOT NULL,
  taker_side TEXT NOT NULL,
  maker_order INTEGER,
  taker_order INTEGER
);
CREATE INDEX IF NOT EXISTS trades_time ON trades(time_ms);

CREATE TABLE IF NOT EXISTS candles (
  interval TEXT NOT NULL,
  bucket_s INTEGER NOT NULL,
  open_ticks INTEGER NOT NULL,
  high_ticks INTEGER NOT NULL,
  low_ticks INTEGER NOT NULL,
  close_ticks INTEGER NOT NULL,
  volume_lots INTEGER NOT NULL,
  PRIMARY KEY (interval, bucket_s)
) WITHOUT ROWID;

-- Append-only rows (the JSON lands on the last page) plus a small (account_id, seq) index:
-- a commit carrying events of many accounts dirties a few index pages, not one wide
-- table page per account as the version 1 layout (WITHOUT ROWID, keyed by account_id, seq) did.
CREATE TABLE IF NOT EXISTS events (
  num INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  json TEXT NOT NULL,
  UNIQUE (account_id, seq)
);

CREATE TABLE IF NOT EXISTS totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  deposits_micros INTEGER NOT NULL DEFAULT 0,
  withdrawals_micros INTEGER NOT NULL DEFAULT 0,
  fees_micros INTEGER NOT NULL DEFAULT 0,
  minted_lots INTEGER NOT NULL DEFAULT 0,
  redeemed_lots INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO totals (id) VALUES (1);

-- Idempotency keys of mutations other than orders (those have client_order_id): the first
-- answer, returned again to a retry. Kept for a bounded time (core.ts: REQUEST_ID_TTL_MS).
CREATE TABLE IF NOT EXISTS request_ids (
  account_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  response TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, request_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS request_ids_created ON request_ids (created_ms);

-- Signatures of accepted-for-processing signed writes, so a replay is refused even after a
-- restart (auth/replay.ts). Keyed by timestamp first: entries older than the signature
-- window (a replay of those is refused as stale anyway) are pruned by a range delete.
CREATE TABLE IF NOT EXISTS seen_signatures (
  timestamp_ms INTEGER NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (timestamp_ms, signature)
) WITHOUT ROWID;
`;

/**
 * The same schema in PostgreSQL's dialect: rowid keys become identity columns, every
 * INTEGER a BIGINT (scaled amounts need 64 bits), BLOB bytea, the derived order id a
 * stored generated column, WITHOUT ROWID and SQLite's upsert spelling go. A new PostgreSQL
 * store starts at SCHEMA_VERSION (version 1 existed only in SQLite).
 */
export function postgresDdl(): string {
  const out = DDL.replace(/^--.*$/gm, '')
    .replace(/\) WITHOUT ROWID;/g, ');')
    .replace(/\bnum INTEGER PRIMARY KEY,/g, 'num BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,')
    .replace(/GENERATED ALWAYS AS \('ord_' \|\| num\) VIRTUAL/, "GENERATED ALWAYS AS ('ord_' || num::text) STORED")
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace('INSERT OR IGNORE INTO totals (id) VALUES (1);', 'INSERT INTO totals (id) VALUES (1) ON CONFLICT (id) DO NOTHING;');
  return out;
}

/** Version 1 → 2: the events table moves to the rowid layout (same rows, same seqs). */
const EVENTS_V2 = `
CREATE TABLE events_v2 (
  num INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  json TEXT NOT NULL,
  UNIQUE (account_id, seq)
);
INSERT INTO events_v2 (account_id, seq, json) SELECT account_id, seq, json FROM events ORDER BY account_id, seq;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
`;

export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(DDL);
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    if (!row) {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
      return;
    }
    if (Number(row.value) === 1) db.exec(EVENTS_V2);
    const now = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get() as string;
    if (Number(now) !== SCHEMA_VERSION) throw new Error(`platform db schema ${now}, expected ${SCHEMA_VERSION}`);
  })();
}
