// Encryption at rest of the wallet's SQLite files (ledger, its backups and archives): SQLite3
// Multiple Ciphers in SQLCipher 4 format (AES-256-CBC, HMAC-SHA512 per page), keyed with a raw
// 256-bit key, so opening costs no key derivation here (the key is random, or derived once
// with scrypt from a passphrase by electron/app/ledger-key.ts). The key is set per data folder
// (useWalletDbKey) and applies to every database file in that folder or below it; a folder
// without a key keeps plain SQLite files (the benchmarks' plain baseline, tests of the file
// checks). The key is never logged or put in an error message.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { sqliteOpenOptions, walletSqlite } from '../native/sqlite-binding.js';

export const DB_KEY_BYTES = 32;
/** Page size of the wallet's files (see applyWalletPragmas); SQLCipher 4 needs it before the key. */
export const CIPHER_PAGE_SIZE = 16384;
/** What `sqlcipher` needs to open a wallet file: `PRAGMA cipher_page_size = 16384` and the raw key. */
export const CIPHER_SCHEME = 'sqlcipher 4 (AES-256-CBC, HMAC-SHA512), raw 256-bit key, 16 KiB pages';

const keys = new Map<string, Buffer>();

/** Sets the key of every database file under `data_dir` (undefined: plain files again). */
export function useWalletDbKey(data_dir: string, key: Buffer | undefined): void {
  const dir = path.resolve(data_dir);
  if (key === undefined) {
    keys.delete(dir);
    return;
  }
  if (key.length !== DB_KEY_BYTES) throw new RangeError(`the database key must be ${DB_KEY_BYTES} bytes`);
  keys.set(dir, Buffer.from(key));
}

/** The key for `file`: its folder's or the nearest enclosing folder's; undefined for a plain file. */
export function walletDbKeyFor(file: string): Buffer | undefined {
  if (file === ':memory:' || keys.size === 0) return undefined;
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const key = keys.get(dir);
    if (key) return key;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Sets the cipher and `key` on a connection before its first read. */
export function keyConnection(db: Database.Database, key: Buffer): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`legacy_page_size = ${CIPHER_PAGE_SIZE}`);
  db.pragma(`hexkey = '${key.toString('hex')}'`);
}

/** Opens a wallet database file with the process's binding, keyed when its folder has a key
 *  (`keyed: false` opens a plain file of a keyed folder: one from before encryption). */
export function openDbFile(file: string, options: Database.Options = {}, keyed = true): Database.Database {
  const Db = walletSqlite();
  const db = new Db(file, sqliteOpenOptions(options));
  const key = keyed ? walletDbKeyFor(file) : undefined;
  if (key) {
    try {
      keyConnection(db, key);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/** A value that shows whether a key is the one a folder's files were encrypted with, and
 *  reveals nothing else about it (HMAC-SHA256 of a fixed label). */
export function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', key).update('compute-wallet ledger key check v1').digest('hex');
}
