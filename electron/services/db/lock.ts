// One process per data folder. The lock is an OS file lock that SQLite takes on
// `wallet.lock` (fcntl on POSIX, LockFileEx on Windows) in exclusive locking mode, held by
// the connection until it closes: the kernel drops it when the process ends, however it
// ends (SIGKILL, power cut), so there is no stale-lock guess (no pid reuse, no mtime
// refresh that a suspended laptop misses, unlike mkdir/pid lock files). `wallet.lock.json`
// beside it only tells a refused second process who holds the folder; it is never trusted
// as the lock itself.
import { sqliteOpenOptions, walletSqlite } from '../native/sqlite-binding.js';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { isSqliteError } from './open.js';
import { z } from 'zod';

export const LOCK_FILE = 'wallet.lock';
export const HOLDER_FILE = 'wallet.lock.json';
/** Holder files larger than this are not read (it is a few dozen bytes). */
const HOLDER_BYTES_MAX = 4096;

export type LockHolderKind = 'desktop' | 'browser' | 'cli';

const Holder = z.strictObject({
  pid: z.number().int().positive(),
  host: z.enum(['desktop', 'browser', 'cli']),
  /** What the process is doing with the folder ("wallet", "connect", ...). */
  purpose: z.string().min(1).max(64),
  hostname: z.string().max(255),
  since: z.iso.datetime(),
});
export type LockHolder = z.infer<typeof Holder>;

export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
  constructor(
    readonly data_dir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `the data folder ${data_dir} is in use by another Compute Wallet process (pid ${holder.pid}, ${holder.host}${holder.host === 'cli' ? ` ${holder.purpose}` : ' mode'}, since ${holder.since}${holder.hostname !== os.hostname() ? `, on ${holder.hostname}` : ''}); close it first`
        : `the data folder ${data_dir} is in use by another Compute Wallet process (it did not say which); close it first`,
    );
  }
}

export interface DataFolderLock {
  readonly data_dir: string;
  readonly holder: LockHolder;
  /** Releases the lock; idempotent. */
  release(): void;
}

/** Open lock connections: a lock whose handle the caller dropped must not be released by the
 *  garbage collector closing its connection. Only release() lets go. */
const HELD = new Set<Database.Database>();

function readHolder(file: string): LockHolder | null {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > HOLDER_BYTES_MAX) return null;
    const parsed = Holder.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isBusy(err: unknown): boolean {
  return isSqliteError(err) && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED');
}

/**
 * Takes the data folder for this process, or throws DataFolderInUseError naming the holder.
 * Never waits: a second wallet on one folder is refused at once.
 */
export function lockDataFolder(data_dir: string, who: { host: LockHolderKind; purpose: string }, now: Date = new Date()): DataFolderLock {
  mkdirSync(data_dir, { recursive: true, mode: 0o700 });
  const lock_file = path.join(data_dir, LOCK_FILE);
  const holder_file = path.join(data_dir, HOLDER_FILE);
  let db: Database.Database | null = null;
  try {
    db = new (walletSqlite())(lock_file, sqliteOpenOptions({ timeout: 0 }));
    db.pragma('locking_mode = EXCLUSIVE');
    // The exclusive lock taken here is kept after COMMIT (exclusive locking mode).
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (err) {
    db?.close();
    if (isBusy(err)) throw new DataFolderInUseError(data_dir, readHolder(holder_file));
    throw err;
  }
  const holder: LockHolder = Holder.parse({ pid: process.pid, host: who.host, purpose: who.purpose, hostname: os.hostname(), since: now.toISOString() });
  writeFileSync(holder_file, JSON.stringify(holder) + '\n', { mode: 0o600 });
  let held: Database.Database | null = db;
  HELD.add(db);
  return {
    data_dir,
    holder,
    release() {
      if (!held) return;
      // Removed while still locked, so a holder file never outlives its lock in a clean exit.
      rmSync(holder_file, { force: true });
      held.close();
      HELD.delete(held);
      held = null;
    },
  };
}

/** Runs `fn` holding the data folder (the CLIs that write to it). */
export async function withDataFolderLock<T>(data_dir: string, purpose: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockDataFolder(data_dir, { host: 'cli', purpose });
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
