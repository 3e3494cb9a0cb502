// SIGKILL during a migration, a few seeds (the long run: `npm run sim -- --suite migration --seeds 200`).
import { describe, expect, it } from 'vitest';
import { migrationTemplate, runMigrationCrash, FROM_VERSION } from '../sim/migrate-crash.js';
import { LATEST_VERSION } from '../../electron/services/db/migrations.js';

const SEEDS = 12;

describe('a migration killed at random points', () => {
  it(`leaves the old or the new version, verified, backups intact, for ${SEEDS} seeds`, async () => {
    const t = await migrationTemplate();
    expect(t.points).toBeGreaterThan(5); // the procedure has points to kill at (backup steps, migration steps, commit)
    const outcomes = [];
    for (let seed = 1; seed <= SEEDS; seed++) outcomes.push(await runMigrationCrash(seed));
    expect(outcomes.filter((o) => o.killed).length).toBeGreaterThan(SEEDS / 2);
    expect(outcomes.some((o) => o.killed && o.version_after_kill === FROM_VERSION)).toBe(true);
  }, 120_000);

  it('killed at each fault point in turn: before the commit the old version, after it the new one', async () => {
    const t = await migrationTemplate();
    const versions: number[] = [];
    for (let k = 1; k <= t.points; k++) {
      const o = await runMigrationCrash(1000 + k, { kill_at: k });
      expect(o.killed).toBe(true);
      versions.push(o.version_after_kill);
    }
    // Monotonic: old until the commit point, new from there on, and both occur.
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBe(FROM_VERSION);
    expect(versions.at(-1)).toBe(LATEST_VERSION);
  }, 120_000);
});

describe('a plain ledger encrypted and migrated, killed at random points (issue 13 item 5)', () => {
  const ENCRYPT_SEEDS = SEEDS / 2; // each run also encrypts 2,500 events: the long run is the sim suite
  it(`plain or encrypted, old or new version, verified, encrypted backups intact, for ${ENCRYPT_SEEDS} seeds`, async () => {
    const outcomes = [];
    for (let seed = 1; seed <= ENCRYPT_SEEDS; seed++) outcomes.push(await runMigrationCrash(seed, { encrypt: true }));
    expect(outcomes.filter((o) => o.killed).length).toBeGreaterThanOrEqual(ENCRYPT_SEEDS / 2);
  }, 300_000); // each run also encrypts the file: slower on a loaded machine

  it('killed at each fault point in turn: plain until the file is replaced, encrypted from there on', async () => {
    const t = await migrationTemplate(true);
    expect(t.points).toBeGreaterThan((await migrationTemplate()).points); // the encryption adds its own points
    const states: string[] = [];
    for (let k = 1; k <= t.points; k++) {
      const o = await runMigrationCrash(2000 + k, { kill_at: k, encrypt: true });
      expect(o.killed).toBe(true);
      states.push(`${o.encrypted_after_kill ? 1 : 0}:${o.version_after_kill}`);
    }
    // Monotonic: plain v5, then encrypted v5, then encrypted at the latest version; all occur.
    // (Ordered by encryption, then version as a number: "1:10" comes after "1:5".)
    const rank = (state: string) => state.split(':').map(Number) as [number, number];
    expect(states).toEqual([...states].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]));
    expect(states[0]).toBe(`0:${FROM_VERSION}`);
    expect(states).toContain(`1:${FROM_VERSION}`);
    expect(states.at(-1)).toBe(`1:${LATEST_VERSION}`);
  }, 300_000); // each run also encrypts the file: slower on a loaded machine
});

