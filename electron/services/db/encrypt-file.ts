// Encrypting a plain wallet database from an earlier version, in a folder that now has a key
// (cipher.ts). Only a sound file is encrypted: an encrypted copy is made beside it
// (`<file>.encrypting`: VACUUM INTO, then SQLite3 Multiple Ciphers' rekey of the copy), checked
// (integrity_check, schema version, the row count of every table against the original), kept
// as the verified backup `backups/<name>-vN-TIME.db`, and only then renamed over the file, so
// at every instant the file is the complete plain original or the complete encrypted copy.
// The plain original is not kept: encryption at rest would mean nothing if it were (its data
// is in the verified encrypted file and backup). A crash can leave a plain `.encrypting`
// copy, removed at the next attempt.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { CIPHER_PAGE_SIZE, openDbFile, walletDbKeyFor } from './cipher.js';
import { WalletFileError, inspectDbFile } from './file.js';
import { asFileError, integrityProblems } from './open.js';
import { schemaVersion } from './migrations.js';
import { backupPath, checkBackup, restoreBackup, type FaultPoint } from './backup.js';

export interface EncryptOutcome {
  /** The verified encrypted backup, or null when the file was encrypted already (or absent). */
  backup: string | null;
}

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/** Row counts of every table: what the encrypted copy must hold too. */
function tableCounts(db: Database.Database): Record<string, number> {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT count(*) FROM "${n.replaceAll('"', '""')}"`).pluck().get() as number]));
}

/** The plain copy at `tmp` becomes encrypted with the folder's key, at the wallet's page size. */
function encryptCopy(tmp: string, key: Buffer): void {
  const db = openDbFile(tmp, { fileMustExist: true }, false);
  try {
    // VACUUM INTO keeps the source's page size; SQLCipher 4 reads the page size it is told.
    if (db.pragma('page_size', { simple: true }) !== CIPHER_PAGE_SIZE) {
      db.pragma(`page_size = ${CIPHER_PAGE_SIZE}`);
      db.exec('VACUUM');
    }
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`legacy_page_size = ${CIPHER_PAGE_SIZE}`);
    db.pragma(`hexrekey = '${key.toString('hex')}'`);
  } finally {
    db.close();
  }
}

/** Checks the encrypted copy against the original's version and row counts. Throws otherwise. */
function checkCopy(tmp: string, version: number, counts: Record<string, number>): void {
  const db = openDbFile(tmp, { readonly: true, fileMustExist: true });
  try {
    const problems = integrityProblems(db, 20);
    if (problems.length > 0) throw new Error(`the encrypted copy fails integrity_check: ${problems.join('; ')}`);
    if (schemaVersion(db) !== version) throw new Error(`the encrypted copy is at schema version ${schemaVersion(db)}, expected ${version}`);
    const got = tableCounts(db);
    if (JSON.stringify(got) !== JSON.stringify(counts)) throw new Error('the encrypted copy does not hold the same rows as the original');
  } finally {
    db.close();
  }
}

/** Encrypts `file` in place (see above) when its folder has a key and it is still plain. */
export async function encryptWalletDb(file: string, opts: { now?: () => Date; fault?: FaultPoint } = {}): Promise<EncryptOutcome> {
  const key = walletDbKeyFor(file);
  const state = inspectDbFile(file);
  if (key === undefined || !state.exists || state.encrypted) return { backup: null };
  const now = opts.now ?? (() => new Date());
  const tmp = `${file}.encrypting`;
  for (const s of SIDE_FILES) rmSync(tmp + s, { force: true }); // only ever our own leftover
  let db: Database.Database | null = openDbFile(file, { fileMustExist: true }, false);
  let backup: string;
  let version: number;
  try {
    const problems = integrityProblems(db, 20);
    if (problems.length > 0) throw new WalletFileError(file, 'corrupt', `integrity_check failed, so it was not encrypted and not changed: ${problems.join('; ')}. Restore it from a backup.`);
    version = schemaVersion(db);
    const counts = tableCounts(db);
    opts.fault?.('encrypt_checked');
    db.prepare('VACUUM INTO ?').run(tmp);
    opts.fault?.('plain_copy');
    encryptCopy(tmp, key);
    opts.fault?.('encrypted_copy');
    checkCopy(tmp, version, counts);
    backup = backupPath(file, version, now()).replace(/\.db$/, '-encrypted.db');
    if (existsSync(backup)) throw new Error(`backup ${backup} already exists`);
    mkdirSync(path.dirname(backup), { recursive: true, mode: 0o700 });
    copyFileSync(tmp, `${backup}.partial`);
    checkBackup(`${backup}.partial`, version);
    renameSync(`${backup}.partial`, backup);
    opts.fault?.('backup_verified');
    db.close(); // the last connection: SQLite checkpoints and removes the plain WAL
    db = null;
    for (const s of ['-wal', '-journal']) {
      if (existsSync(file + s)) throw new Error(`${file + s} is still there after closing (another process has the file open?)`);
    }
    rmSync(`${file}-shm`, { force: true });
    renameSync(tmp, file);
    opts.fault?.('encrypted');
  } catch (err) {
    db?.close();
    for (const s of SIDE_FILES) rmSync(tmp + s, { force: true });
    throw asFileError(file, err);
  }
  // The encrypted file must open with the key; if not, the verified backup goes back.
  try {
    checkBackup(file, version);
  } catch (err) {
    const aside = await restoreBackup(file, backup, version, now());
    throw new WalletFileError(file, 'migration_failed', `encrypting it failed (${err instanceof Error ? err.message : String(err)}); the verified backup ${backup} was put back, the failed file is kept as ${aside}`);
  }
  return { backup };
}
