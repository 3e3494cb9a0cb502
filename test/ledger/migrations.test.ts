// Every earlier schema version (built from the migration list up to N, with data written
// as that version allowed) opens, migrates to the latest, keeps its data and verifies.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger, LATEST_VERSION } from '../../electron/services/ledger/index.js';
import type { FillTotals } from '../../electron/services/ledger/ledger.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { dec, toCanonical, type Dec } from '../../shared/money.js';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { generateStream, modelBalances } from '../sim/gen.js';
import { tempDir } from './helpers.js';
import { buildFixture, POSTINGS_SQL } from '../db/fixtures.js';

/** What order_fills must hold: each order's fills summed with decimal.js from the events. */
function fillTotalsOf(events: readonly AccountEvent[]): Map<string, FillTotals> {
  const out = new Map<string, { fills: number; q: Dec; n: Dec; f: Dec }>();
  for (const e of events) {
    if (e.type !== 'fill') continue;
    const t = out.get(e.client_order_id) ?? { fills: 0, q: dec('0'), n: dec('0'), f: dec('0') };
    out.set(e.client_order_id, { fills: t.fills + 1, q: t.q.plus(dec(e.quantity)), n: t.n.plus(dec(e.quantity).mul(dec(e.price_usd))), f: t.f.plus(dec(e.fee_usd)) });
  }
  return new Map([...out].map(([id, t]) => [id, { fills: t.fills, quantity: toCanonical(t.q), notional_usd: toCanonical(t.n), fees_usd: toCanonical(t.f) }]));
}

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
        // Fill totals per order: migration 9's backfill (events 1–300) plus live ingest (301–310).
        const expected_fills = fillTotalsOf(more);
        expect(expected_fills.size).toBeGreaterThan(0);
        expect(l.fillTotals([...expected_fills.keys()])).toEqual(expected_fills);
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
