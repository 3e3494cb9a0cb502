// The one place the wallet's SQLite file is opened: file checks (file.ts), connection
// settings, migrations. Every `new Database(` of the wallet lives in electron/services/db/.
import { sqliteOpenOptions, walletSqlite } from '../native/sqlite-binding.js';
import { openDbFile, walletDbKeyFor } from './cipher.js';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { migrate, schemaVersion, LATEST_VERSION, NewerSchemaError } from './migrations.js';
import { WalletFileError, inspectDbFile, mayCreate, recordPresent } from './file.js';

/** WAL auto-checkpoint threshold in pages (16 KiB pages: 64 MiB of WAL between checkpoints). */
export const WAL_AUTOCHECKPOINT_PAGES = 4096;

/** Connection settings of the wallet database (the benchmark's raw baseline uses them too). */
export function applyWalletPragmas(db: Database.Database): void {
  // Only takes effect on a new, empty file: 16 KiB pages mean fewer b-tree splits and
  // levels for the append-heavy journal (bulk ingest measured faster than with 4 KiB).
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // Fewer, larger checkpoints: a hot index page is copied back once per checkpoint, not
  // once per 4 MiB of WAL.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  // The journal is re-fetchable from the platform, but mismatches and the order queue are
  // not: FULL on this connection (ingestion relaxes it per batch, see Ledger.ingestBatchWith).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** An error from SQLite, by either package's SqliteError class (the wallet's and the platform's). */
export function isSqliteError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && err.name === 'SqliteError' && typeof (err as { code?: unknown }).code === 'string';
}

/** SQLite's "this file is damaged" as an error that names the file; other errors unchanged. */
export function asFileError(file: string, err: unknown): unknown {
  if (isSqliteError(err) && DAMAGE_CODES.has(err.code)) {
    return new WalletFileError(file, 'corrupt', `SQLite reports the file is damaged (${err.message}); it was not changed. Restore it from a backup.`);
  }
  return err;
}

/** Creates the database at a temporary name and moves it in only once complete, so
 *  `file` never exists half-made (a crash here leaves no empty ledger behind). */
function createDbFile(file: string): void {
  const tmp = `${file}.creating`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(tmp + s, { force: true }); // our own leftover
  const db = openDbFile(tmp);
  try {
    applyWalletPragmas(db);
    migrate(db);
  } finally {
    db.close();
  }
  renameSync(tmp, file);
}

export class MigrationNeededError extends Error {
  override name = 'MigrationNeededError';
}

/**
 * Opens the wallet database read-write, at the latest schema. A missing file is created
 * only on the data folder's first run; an empty, truncated or damaged file is a
 * WalletFileError naming it, and is left exactly as it was.
 */
export function openWalletDb(file: string): Database.Database {
  if (file === ':memory:') {
    const db = new (walletSqlite())(':memory:', sqliteOpenOptions());
    applyWalletPragmas(db);
    migrate(db);
    return db;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const state = inspectDbFile(file);
  if (!state.exists) {
    if (!mayCreate(file)) {
      throw new WalletFileError(
        file,
        'missing',
        `the file is missing from a data folder that had it (see ${path.join(path.dirname(file), 'data-folder.json')}); nothing was created. Restore it from a backup; to start a new, empty one instead, set its entry in data-folder.json to "to_create".`,
      );
    }
    createDbFile(file);
  }
  recordPresent(file);
  // A plain file in a folder with a key is from before encryption: migrateWalletDb encrypts it.
  if (!state.encrypted && walletDbKeyFor(file) !== undefined && state.exists) {
    throw new MigrationNeededError(`${file}: not encrypted yet; encrypt it first (migrateWalletDb: verified backup, then an encrypted copy)`);
  }
  let db: Database.Database | null = null;
  try {
    db = openDbFile(file, { fileMustExist: true });
    applyWalletPragmas(db);
    const version = schemaVersion(db);
    if (version > LATEST_VERSION) throw new NewerSchemaError(`${file}: schema version ${version} is newer than this app (${LATEST_VERSION}); update the app`);
    // Only migrateWalletDb migrates an existing file: after a verified backup.
    if (version < LATEST_VERSION) throw new MigrationNeededError(`${file}: schema version ${version}, this app needs ${LATEST_VERSION}; migrate it first (migrateWalletDb: verified backup, then one transaction)`);
    return db;
  } catch (err) {
    db?.close();
    throw asFileError(file, err);
  }
}

export interface ReadOnlyWalletDb {
  db: Database.Database;
  /** The schema version of the file as it is (never migrated here). */
  version: number;
  close(): void;
}

/** Opens an existing wallet database for reading only: never created, never migrated. */
export function openWalletDbReadOnly(file: string): ReadOnlyWalletDb {
  const state = inspectDbFile(file);
  if (!state.exists) throw new WalletFileError(file, 'missing', 'no such file');
  // SQLite creates the WAL side files even for a reader; those it made here (empty) go again.
  const side = ['-wal', '-shm'].filter((s) => !existsSync(file + s)).map((s) => file + s);
  let db: Database.Database | null = null;
  const close = () => {
    db?.close();
    for (const f of side) if (existsSync(f) && (f.endsWith('-shm') || statSync(f).size === 0)) rmSync(f);
  };
  try {
    db = openDbFile(file, { readonly: true, fileMustExist: true }, state.encrypted);
    db.pragma('busy_timeout = 5000');
    const version = schemaVersion(db);
    if (version > LATEST_VERSION) throw new NewerSchemaError(`${file}: schema version ${version} is newer than this app (${LATEST_VERSION}); update the app`);
    return { db, version, close };
  } catch (err) {
    close();
    throw asFileError(file, err);
  }
}

/** An in-memory copy of `db` at the latest schema: readers of an older file see it as this
 *  app does, and the file itself is not migrated (only the app migrates, after a backup). */
export function migratedCopy(db: Database.Database): Database.Database {
  const image = db.serialize();
  // A WAL file's header (bytes 18-19 = 2) cannot be used in memory: mark it rollback-journal.
  image[18] = 1;
  image[19] = 1;
  const copy = new (walletSqlite())(image, sqliteOpenOptions());
  copy.pragma('foreign_keys = ON');
  migrate(copy);
  return copy;
}

/** SQLite's full integrity check (every page, every index): 'ok' or the problems it lists. */
export function integrityProblems(db: Database.Database, limit = 100): string[] {
  const rows = db.pragma(`integrity_check(${limit})`) as { integrity_check: string }[];
  const out = rows.map((r) => r.integrity_check);
  return out.length === 1 && out[0] === 'ok' ? [] : out;
}

/** A new database at the current schema with the wallet's settings, with none of the file
 *  checks: the benchmarks' raw baseline (same binding, schema and pragmas as the wallet). */
export function openBaselineDb(file: string): Database.Database {
  const db = openDbFile(file);
  applyWalletPragmas(db);
  migrate(db);
  return db;
}
