// The ledger's schema steps, versions 1–6 (journal, order events, market cache,
// mismatches, indexes, postings in the entry row). Shipped: never edit one, append a new
// migration in migrations.ts.
import type Database from 'better-sqlite3';
import { ACCOUNTS } from '../ledger/chart.js';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const LEDGER_STEPS: readonly Migration[] = [
  {
    version: 1,
    description: 'journal: accounts, entries, postings, cached balances, cursor, quarantine',
    up(db) {
      db.exec(`
        CREATE TABLE accounts (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        ) STRICT;
        -- One row per platform event (seq/event_id set) or per reversing entry (reverses set).
        CREATE TABLE entries (
          id INTEGER PRIMARY KEY,
          seq INTEGER UNIQUE CHECK (seq IS NULL OR seq > 0),
          event_id TEXT UNIQUE,
          type TEXT NOT NULL,
          time TEXT NOT NULL,
          reverses INTEGER REFERENCES entries(id),
          data TEXT NOT NULL,
          CHECK ((seq IS NULL) = (event_id IS NULL)),
          CHECK ((seq IS NULL) = (reverses IS NOT NULL))
        ) STRICT;
        CREATE UNIQUE INDEX entries_reverses ON entries (reverses) WHERE reverses IS NOT NULL;
        -- Amounts are scaled integers (× 10^8), see amounts.ts. No declared foreign keys
        -- here: a per-row FK lookup cost ~40% of ingest speed; the ledger writes postings
        -- right after their entry in one transaction, and verify() checks for orphans.
        CREATE TABLE postings (
          entry_id INTEGER NOT NULL,
          account_id INTEGER NOT NULL,
          commodity TEXT NOT NULL CHECK (commodity IN ('USD', 'TOKEN', 'CREDIT')),
          amount INTEGER NOT NULL CHECK (amount != 0),
          PRIMARY KEY (entry_id, account_id, commodity)
        ) STRICT, WITHOUT ROWID;
        -- Derived from postings; updated in the same transaction as each ingested batch.
        CREATE TABLE balances (
          account_id INTEGER NOT NULL REFERENCES accounts(id),
          commodity TEXT NOT NULL,
          amount INTEGER NOT NULL,
          PRIMARY KEY (account_id, commodity)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE sync_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          cursor_seq INTEGER NOT NULL CHECK (cursor_seq >= 0),
          entry_count INTEGER NOT NULL,
          account_id TEXT,
          updated_at TEXT
        ) STRICT;
        INSERT INTO sync_state (id, cursor_seq, entry_count, updated_at) VALUES (1, 0, 0, NULL);
        -- Events that failed validation or broke an invariant. seq is set when the
        -- event's seq was consumed (the cursor moved past it).
        CREATE TABLE quarantine (
          id INTEGER PRIMARY KEY,
          seq INTEGER UNIQUE,
          event_id TEXT,
          reason TEXT NOT NULL,
          raw TEXT NOT NULL,
          raw_hash TEXT NOT NULL UNIQUE,
          received_at TEXT NOT NULL
        ) STRICT;
      `);
      const ins = db.prepare('INSERT INTO accounts (id, name) VALUES (?, ?)');
      for (const [name, id] of Object.entries(ACCOUNTS)) ins.run(id, name);
    },
  },
  {
    version: 2,
    description: 'orders: latest state of each order from order events',
    up(db) {
      db.exec(`
        CREATE TABLE orders (
          order_id TEXT PRIMARY KEY,
          client_order_id TEXT NOT NULL,
          status TEXT NOT NULL,
          side TEXT NOT NULL,
          order_type TEXT NOT NULL,
          price_usd TEXT,
          quantity TEXT NOT NULL,
          filled_quantity TEXT NOT NULL,
          reason TEXT,
          last_seq INTEGER NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX orders_client_order_id ON orders (client_order_id);
      `);
    },
  },
  {
    version: 3,
    description: 'market data cache: candles and public trades',
    up(db) {
      db.exec(`
        CREATE TABLE candles (
          interval TEXT NOT NULL,
          time INTEGER NOT NULL,
          open TEXT NOT NULL,
          high TEXT NOT NULL,
          low TEXT NOT NULL,
          close TEXT NOT NULL,
          volume TEXT NOT NULL,
          PRIMARY KEY (interval, time)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE trades (
          trade_id TEXT PRIMARY KEY,
          time TEXT NOT NULL,
          price_usd TEXT NOT NULL,
          quantity TEXT NOT NULL,
          side TEXT
        ) STRICT;
        CREATE INDEX trades_time ON trades (time);
      `);
    },
  },
  {
    version: 4,
    description: 'reconciliation mismatches (kept, never overwritten)',
    up(db) {
      db.exec(`
        CREATE TABLE mismatches (
          id INTEGER PRIMARY KEY,
          detected_at TEXT NOT NULL,
          as_of_seq INTEGER NOT NULL,
          account TEXT NOT NULL,
          commodity TEXT NOT NULL,
          local_amount TEXT NOT NULL,
          platform_amount TEXT NOT NULL,
          detail TEXT NOT NULL,
          resolved_at TEXT
        ) STRICT;
        CREATE INDEX mismatches_open ON mismatches (account, commodity) WHERE resolved_at IS NULL;
      `);
    },
  },
  {
    version: 5,
    description: 'indexes for the first screen (recent orders, recent trades) so start-up never scans',
    up(db) {
      db.exec(`
        CREATE INDEX orders_last_seq ON orders (last_seq);
        DROP INDEX trades_time;
        CREATE INDEX trades_time_id ON trades (time, trade_id);
      `);
    },
  },
  {
    version: 6,
    description: 'postings stored in their entry row (entries.k1..a8), one row per event instead of 1 + n; `postings` becomes a view',
    up(db) {
      // Ingest wrote one entries row plus one postings row (another b-tree) per posting:
      // about 3.5 rows per event. An entry's postings are written and read together and
      // never updated (append-only), so they live in the entry row: up to 8 column pairs
      // k<n> = account_id × 4 + commodity code (USD 0, TOKEN 1, CREDIT 2), a<n> = scaled
      // amount; filled from slot 1, NULL after the last (see mapping.ts). The view keeps
      // the old row-per-posting shape for SQL readers.
      const slots = Array.from({ length: 8 }, (_, i) => i + 1);
      for (const n of slots) db.exec(`ALTER TABLE entries ADD COLUMN k${n} INTEGER; ALTER TABLE entries ADD COLUMN a${n} INTEGER;`);
      const set = db.prepare(`UPDATE entries SET ${slots.map((n) => `k${n} = ?, a${n} = ?`).join(', ')} WHERE id = ?`);
      const code: Record<string, number> = { USD: 0, TOKEN: 1, CREDIT: 2 };
      let current: number | null = null;
      let values: unknown[] = [];
      const flush = () => {
        if (current === null) return;
        if (values.length > 16) throw new Error(`migration 6: entry ${current} has more than 8 postings`);
        while (values.length < 16) values.push(null);
        set.run(...values, current);
      };
      const rows = db
        .prepare('SELECT p.entry_id, p.account_id, p.commodity, p.amount FROM postings p JOIN entries e ON e.id = p.entry_id ORDER BY p.entry_id, p.account_id, p.commodity')
        .safeIntegers(true)
        .all() as { entry_id: bigint; account_id: bigint; commodity: string; amount: bigint }[];
      for (const r of rows) {
        const id = Number(r.entry_id);
        if (id !== current) {
          flush();
          current = id;
          values = [];
        }
        const c = code[r.commodity];
        if (c === undefined) throw new Error(`migration 6: entry ${id} has a posting in unknown commodity ${r.commodity}`);
        values.push(r.account_id * 4n + BigInt(c), r.amount);
      }
      flush();
      // Postings whose entry is missing (corruption; verify() reported them) are kept, not dropped.
      const orphans = db.prepare('SELECT COUNT(*) FROM postings WHERE entry_id NOT IN (SELECT id FROM entries)').pluck().get() as number;
      if (orphans > 0) db.exec('CREATE TABLE postings_orphaned AS SELECT * FROM postings WHERE entry_id NOT IN (SELECT id FROM entries)');
      const commodity = (n: number) => `CASE k${n} & 3 WHEN 0 THEN 'USD' WHEN 1 THEN 'TOKEN' WHEN 2 THEN 'CREDIT' END`;
      db.exec(`
        DROP TABLE postings;
        CREATE VIEW postings (entry_id, account_id, commodity, amount) AS
        ${slots.map((n) => `SELECT id, k${n} >> 2, ${commodity(n)}, a${n} FROM entries WHERE k${n} IS NOT NULL`).join('\n        UNION ALL ')};
      `);
    },
  },
];
