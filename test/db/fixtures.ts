// Wallet database files as earlier app versions left them: the ledger at schema version
// 0..LATEST-1 (its journal rows copied in the layout of that version), and, as apps before
// the one version scheme had them, the order outbox at its own version 0..3 (outbox_meta)
// and the compute tables present or not, each with a row of data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openLedger } from '../../electron/services/ledger/index.js';
import { migrate } from '../../electron/services/db/migrations.js';
import { LEGACY_FOR_FIXTURES } from '../../electron/services/db/steps-v7.js';
import { generateStream } from '../sim/gen.js';

export const POSTINGS_SQL = 'SELECT entry_id, account_id, commodity, amount FROM postings ORDER BY entry_id, account_id, commodity';
export const FIXTURE_ORDER_ID = '019e830e-0000-7000-8000-000000000001';
export const FIXTURE_REDEMPTION_ID = '019e830e-0000-7000-8000-0000000000r1';

export interface FixtureSpec {
  /** Ledger schema version (user_version), 0..6 before the one scheme. */
  ledger: number;
  /** Events of the journal (seeded stream); 0 = none. */
  events?: number;
  seed?: number;
  /** The outbox's own version (outbox_meta) 0..3; 0 = no outbox tables. */
  outbox?: number;
  compute?: boolean;
}

/** Writes the fixture to `file`; returns the postings it holds (as the current layout shows them). */
export function buildFixture(file: string, spec: FixtureSpec): { postings: unknown[] } {
  const v = spec.ledger;
  let postings: unknown[] = [];
  const db = new Database(file);
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  migrate(db, v);
  if (v >= 1 && (spec.events ?? 0) > 0) {
    // Journal data written by the current code, copied into the version-v tables.
    const src = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-fixture-')), 'src.db');
    const l = openLedger({ path: src });
    l.ingest(generateStream({ seed: spec.seed ?? 1, count: spec.events! }).events);
    postings = l.database().prepare(POSTINGS_SQL).safeIntegers(true).all();
    l.close();
    db.exec(`ATTACH DATABASE '${src}' AS src`);
    db.transaction(() => {
      // Before version 6, postings were rows of their own table.
      if (v >= 6) db.exec('INSERT INTO main.entries SELECT * FROM src.entries');
      else {
        db.exec('INSERT INTO main.entries SELECT id, seq, event_id, type, time, reverses, data FROM src.entries');
        db.exec('INSERT INTO main.postings SELECT entry_id, account_id, commodity, amount FROM src.postings');
      }
      for (const t of ['balances', 'quarantine']) db.exec(`INSERT INTO main.${t} SELECT * FROM src.${t}`);
      db.exec('UPDATE main.sync_state SET cursor_seq = (SELECT cursor_seq FROM src.sync_state), entry_count = (SELECT entry_count FROM src.sync_state), account_id = (SELECT account_id FROM src.sync_state)');
      if (v >= 2) db.exec('INSERT INTO main.orders SELECT * FROM src.orders');
      if (v >= 9) db.exec('INSERT INTO main.order_fills SELECT * FROM src.order_fills'); // fill totals per order since version 9
    })();
    db.exec('DETACH DATABASE src');
  }
  const now = Date.parse('2026-01-02T03:04:05Z');
  if ((spec.outbox ?? 0) > 0) {
    LEGACY_FOR_FIXTURES.outbox(db, spec.outbox!);
    db.prepare(
      `INSERT INTO order_outbox (client_order_id, request, side, type, price, quantity, time_in_force, post_only, deadline_ms, state, created_ms, updated_ms)
       VALUES (?, '{}', 'buy', 'limit', '0.5', '1', 'GTC', 0, ?, 'queued', ?, ?)`,
    ).run(FIXTURE_ORDER_ID, now + 3_600_000, now, now);
  }
  if (spec.compute) {
    LEGACY_FOR_FIXTURES.compute(db);
    db.prepare(`INSERT INTO redemptions (request_id, tokens, state, created_ms, updated_ms) VALUES (?, '2', 'pending', ?, ?)`).run(FIXTURE_REDEMPTION_ID, now, now);
  }
  db.close();
  return { postings };
}

/** Changes one character of `text` where an index (not the table) stores it: the page
 *  structure stays valid, so quick_check passes and only integrity_check sees it. */
export function damageIndexCopy(file: string, text: string): void {
  const buf = fs.readFileSync(file);
  const page = buf.readUInt16BE(16) === 1 ? 65536 : buf.readUInt16BE(16);
  const INDEX_LEAF = 0x0a;
  let pos = buf.indexOf(text);
  while (pos >= 0 && buf[Math.floor(pos / page) * page + (pos < page ? 100 : 0)] !== INDEX_LEAF) pos = buf.indexOf(text, pos + 1);
  if (pos < 0) throw new Error(`${text} is in no index page of ${file}`);
  buf[pos + 2] = buf[pos + 2] === 0x30 ? 0x31 : 0x30;
  fs.writeFileSync(file, buf);
}
