// Verified copies of the wallet database: SQLite's online backup API (better-sqlite3
// db.backup(): page by page, consistent even while the file is in use) for a plain file, and
// `VACUUM INTO` for an encrypted one (the backup API cannot key its target; VACUUM INTO writes
// a copy encrypted with the source's key, one consistent read transaction), written under a
// `.partial` name, checked (integrity_check, schema version) and only then given its name.
// A backup that has its final name is complete and sound; backups are never deleted here.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDbFile, walletDbKeyFor } from './cipher.js';
import { integrityProblems, openWalletDbReadOnly } from './open.js';
import { schemaVersion } from './migrations.js';
import { WalletFileError } from './file.js';

/** Pages copied per backup step (each step is a point where a crash test may kill us). */
export const BACKUP_PAGES_PER_STEP = 64;

export type FaultPoint = (point: string) => void;

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** `DATA_DIR/backups/ledger-v5-2026-01-02T03-04-05-000Z.db` for `DATA_DIR/ledger.db` at version 5. */
export function backupPath(file: string, version: number, now: Date): string {
  const base = path.basename(file).replace(/\.db$/, '');
  return path.join(path.dirname(file), 'backups', `${base}-v${version}-${stamp(now)}.db`);
}

/** Checks a finished or candidate backup: a sound SQLite file at `version`. Throws naming it otherwise. */
export function checkBackup(file: string, version: number): void {
  const ro = openWalletDbReadOnly(file);
  try {
    const problems = integrityProblems(ro.db, 20);
    if (problems.length > 0) throw new WalletFileError(file, 'corrupt', `the backup fails integrity_check: ${problems.join('; ')}`);
    if (ro.version !== version) throw new WalletFileError(file, 'corrupt', `the backup is at schema version ${ro.version}, expected ${version}`);
  } finally {
    ro.close();
  }
}

/** A consistent copy of `db` at `dest` (a new file), encrypted with the same key when `db` is. */
async function copyDb(db: Database.Database, dest: string, fault?: FaultPoint): Promise<void> {
  if (walletDbKeyFor(db.name) !== undefined) {
    fault?.('backup');
    db.prepare('VACUUM INTO ?').run(dest);
    return;
  }
  await db.backup(dest, {
    progress: () => {
      fault?.('backup');
      return BACKUP_PAGES_PER_STEP;
    },
  });
}

/** Backs `db` up to `dest` and verifies the copy before naming it `dest`. */
export async function backupVerified(db: Database.Database, dest: string, fault?: FaultPoint): Promise<string> {
  const version = schemaVersion(db);
  mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
  const partial = `${dest}.partial`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(partial + s, { force: true }); // only ever our own leftover
  await copyDb(db, partial, fault);
  fault?.('backup_written');
  checkBackup(partial, version);
  if (existsSync(dest)) throw new Error(`backup ${dest} already exists`); // names carry the time: never overwrite one
  renameSync(partial, dest);
  fault?.('backup_verified');
  return dest;
}

/**
 * Puts the verified backup back in place of `file`. The file being replaced is kept beside it
 * (`<file>.failed-<stamp>`), never deleted; the backup stays as it is.
 */
export async function restoreBackup(file: string, backup: string, version: number, now: Date): Promise<string> {
  checkBackup(backup, version);
  const restoring = `${file}.restoring`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(restoring + s, { force: true });
  const src = openDbFile(backup, { readonly: true, fileMustExist: true });
  try {
    await copyDb(src, restoring);
  } finally {
    src.close();
  }
  checkBackup(restoring, version);
  const aside = `${file}.failed-${stamp(now)}`;
  for (const s of ['-wal', '-shm']) if (existsSync(file + s)) renameSync(file + s, aside + s);
  renameSync(file, aside);
  renameSync(restoring, file);
  return aside;
}
