// Every earlier schema version (built from the migration list up to N, with data written
// as that version allowed) opens, migrates to the latest, keeps its data and verifies.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger, LATEST_VERSION } from '../../electron/services/ledger/index.js';
import { migrate } from '../../electron/services/ledger/migrations.js';
import { generateStream, modelBalances } from '../sim/gen.js';
import { tempDir } from './helpers.js';

const POSTINGS_SQL = 'SELECT entry_id, account_id, commodity, amount FROM postings ORDER BY entry_id, account_id, commodity';

describe('migrations', () => {
  for (let v = 0; v < LATEST_VERSION; v++) {
    it(`upgrades a version-${v} ledger to version ${LATEST_VERSION} with its data intact`, () => {
      const file = path.join(tempDir(), 'ledger.db');
      const { events, model } = generateStream({ seed: 100 + v, count: 300 });
      let expected_postings: unknown[] = [];
      if (v >= 1) {
        // Write journal data with the current code, then roll the schema back to version v
        // by building a version-v database and copying the v1 tables' rows into it.
        const src = path.join(tempDir(), 'src.db');
        const l = openLedger({ path: src });
        l.ingest(events);
        expected_postings = l.database().prepare(POSTINGS_SQL).safeIntegers(true).all();
        expect(expected_postings.length).toBeGreaterThan(300);
        l.close();
        const db = new Database(file);
        migrate(db, v);
        expect(db.pragma('user_version', { simple: true })).toBe(v);
        db.exec(`ATTACH DATABASE '${src}' AS src`);
        db.transaction(() => {
          // Before version 6, postings were rows of their own table: expand them from the
          // current layout (entries.postings, read through the postings view).
          db.exec('INSERT INTO main.entries SELECT id, seq, event_id, type, time, reverses, data FROM src.entries');
          db.exec('INSERT INTO main.postings SELECT entry_id, account_id, commodity, amount FROM src.postings');
          for (const t of ['balances', 'quarantine']) db.exec(`INSERT INTO main.${t} SELECT * FROM src.${t}`);
          db.exec('UPDATE main.sync_state SET cursor_seq = (SELECT cursor_seq FROM src.sync_state), entry_count = (SELECT entry_count FROM src.sync_state), account_id = (SELECT account_id FROM src.sync_state)');
          if (v >= 2) db.exec('INSERT INTO main.orders SELECT * FROM src.orders');
        })();
        db.exec('DETACH DATABASE src');
        db.close();
      }
      const l = openLedger({ path: file });
      try {
        expect(l.database().pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
        const expected = v >= 1 ? modelBalances(model) : { usd: '0', token: '0', credits: '0' };
        const b = l.walletBalances();
        expect({ usd: b.usd, token: b.token, credits: b.credits }).toEqual(expected);
        expect(l.verify()).toMatchObject({ ok: true, problems: [] });
        // Migration 6 moved every posting into its entry row, exactly.
        expect(l.database().prepare(POSTINGS_SQL).safeIntegers(true).all()).toEqual(expected_postings);
        // The upgraded ledger keeps working: ingestion resumes after its cursor.
        const more = generateStream({ seed: 100 + v, count: 310 }).events;
        expect(l.ingest(more).cursor_seq).toBe(310);
        expect(l.verify().ok).toBe(true);
      } finally {
        l.close();
      }
    });
  }

  it('refuses a ledger written by a newer app', () => {
    const file = path.join(tempDir(), 'ledger.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => openLedger({ path: file })).toThrow(/newer than this app/);
  });
});
