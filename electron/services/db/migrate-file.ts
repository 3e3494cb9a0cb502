// Migrating the wallet database file: only a sound file is migrated, only after a verified
// backup, all pending steps in one transaction, checked afterwards; if anything fails after
// the backup and the file is not exactly as it was, the backup is put back. A crash at any
// point leaves the file at the old or the new version (one transaction) and every named
// backup complete (backup.ts).
import type Database from 'better-sqlite3';
import { openDbFile } from './cipher.js';
import { applyWalletPragmas, asFileError, integrityProblems, openWalletDbReadOnly } from './open.js';
import { LATEST_VERSION, NewerSchemaError, migrate, schemaVersion } from './migrations.js';
import { WalletFileError, inspectDbFile } from './file.js';
import { encryptWalletDb } from './encrypt-file.js';
import { backupPath, backupVerified, restoreBackup, type FaultPoint } from './backup.js';

export interface MigrateFileOptions {
  now?: () => Date;
  /** Extra check of the migrated database before it is accepted (throws to refuse). */
  check?: (db: Database.Database) => void;
  /** Fault injection for the crash tests: called at each named point of the procedure. */
  fault?: FaultPoint;
}

export interface MigrateFileOutcome {
  from: number;
  to: number;
  /** The verified backup taken before migrating, if there was anything to migrate. */
  backup: string | null;
}

const INTEGRITY_LIST_MAX = 20;

/** Brings an existing wallet database to the latest schema (a missing file is left to openWalletDb). */
export async function migrateWalletDb(file: string, opts: MigrateFileOptions = {}): Promise<MigrateFileOutcome> {
  const now = opts.now ?? (() => new Date());
  if (!inspectDbFile(file).exists) return { from: LATEST_VERSION, to: LATEST_VERSION, backup: null };
  // A plain file from before encryption, in a folder that now has a key: encrypted first.
  const encrypted = await encryptWalletDb(file, opts);
  let db: Database.Database | null = openDbFile(file, { fileMustExist: true });
  try {
    applyWalletPragmas(db);
    const from = schemaVersion(db);
    if (from > LATEST_VERSION) throw new NewerSchemaError(`${file}: schema version ${from} is newer than this app (${LATEST_VERSION}); update the app`);
    if (from === LATEST_VERSION) return { from, to: from, backup: encrypted.backup };
    const before = integrityProblems(db, INTEGRITY_LIST_MAX);
    if (before.length > 0) throw new WalletFileError(file, 'corrupt', `integrity_check failed, so it was not migrated and not changed: ${before.join('; ')}. Restore it from a backup.`);
    opts.fault?.('checked');
    const backup = await backupVerified(db, backupPath(file, from, now()), opts.fault);
    try {
      migrate(db, LATEST_VERSION, (v) => opts.fault?.(`step ${v}`));
      opts.fault?.('committed');
      const after = integrityProblems(db, INTEGRITY_LIST_MAX);
      if (after.length > 0) throw new Error(`integrity_check after the migration: ${after.join('; ')}`);
      opts.check?.(db);
      opts.fault?.('accepted');
    } catch (err) {
      db.close();
      db = null;
      throw await recover(file, from, backup, err, now());
    }
    return { from, to: LATEST_VERSION, backup };
  } catch (err) {
    throw asFileError(file, err);
  } finally {
    db?.close();
  }
}

/** After a failed migration: the file as it was (rolled back), or the backup put back. */
async function recover(file: string, from: number, backup: string, cause: unknown, now: Date): Promise<Error> {
  const why = cause instanceof Error ? cause.message : String(cause);
  let unchanged = false;
  try {
    const ro = openWalletDbReadOnly(file);
    try {
      unchanged = ro.version === from && integrityProblems(ro.db, 1).length === 0;
    } finally {
      ro.close();
    }
  } catch {
    unchanged = false;
  }
  if (unchanged) {
    return new WalletFileError(file, 'migration_failed', `migrating from schema version ${from} to ${LATEST_VERSION} failed (${why}); it was rolled back and the file is unchanged (backup: ${backup})`);
  }
  const aside = await restoreBackup(file, backup, from, now);
  return new WalletFileError(file, 'migration_failed', `migrating from schema version ${from} to ${LATEST_VERSION} failed (${why}); the verified backup ${backup} was put back, the failed file is kept as ${aside}`);
}
