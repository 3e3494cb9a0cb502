// Every earlier schema version (built from the migration list up to N, with data written
// as that version allowed) opens, migrates to the latest, keeps its data and verifies.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger, LATEST_VERSION } from '../../electron/services/ledger/index.js';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { generateStream, modelBalances } from '../sim/gen.js';
import { tempDir } from './helpers.js';
import { buildFixture, POSTINGS_SQL } from '../db/fixtures.js';

describe('migrations', () => {
  for (let v = 0; v < LATEST_VERSION; v++) {
    it(`upgrades a version-${v} ledger to version ${LATEST_VERSION} with its data intact`, async () => {
      const file = path.join(tempDir(), 'ledger.db');
      const { model } = generateStream({ seed: 100 + v, count: 300 });
      const { postings: expected_postings } = buildFixture(file, { ledger: v, events: v >= 1 ? 300 : 0, seed: 100 + v });
      if (v >= 1) expect(expected_postings.length).toBeGreaterThan(300);
      if (v === 0) fs.rmSync(file); // version 0: no file yet (first run)
      if (v >= 1) {
        expect(() => openLedger({ path: file })).toThrow(/migrate it first/); // never without a backup
        const { backup } = await migrateWalletDb(file);
        expect(backup).not.toBeNull();
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

  it('refuses a ledger written by a newer app', async () => {
    const file = path.join(tempDir(), 'ledger.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => openLedger({ path: file })).toThrow(/newer than this app/);
    await expect(migrateWalletDb(file)).rejects.toThrow(/newer than this app/);
  });
});
