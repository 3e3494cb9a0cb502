// Which native build of the SQLite package this process loads. Node's build, where `npm
// install` puts it, is the default: tests, browser mode and the CLIs use it. The desktop
// shell runs under Electron's ABI and, at startup, points this process at an Electron build
// kept in its own folder (electron-build.ts). Every `new Database(...)` in the wallet passes
// sqliteOpenOptions(), so that one choice applies to every database the process opens.
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';

export interface SqlitePackage {
  /** npm package name, as `require()` takes it. */
  name: string;
  /** The compiled addon, relative to the package folder (where node-gyp and prebuild-install put it). */
  addon: string;
}

/** The SQLite binding the wallet uses: better-sqlite3's API over SQLite3 Multiple Ciphers, so
 *  the wallet's file can be encrypted (SQLCipher 4 format, electron/services/db/cipher.ts).
 *  Switching packages is this one line; the Electron build, its staleness check, the loader and
 *  every wallet `new Database` (walletSqlite()) follow it. The platform keeps plain better-sqlite3. */
export const SQLITE_PACKAGE: SqlitePackage = { name: 'better-sqlite3-multiple-ciphers', addon: 'build/Release/better_sqlite3.node' };

/** The Database class of SQLITE_PACKAGE (typed as better-sqlite3: the API is the same). Every
 *  database the wallet opens is made with it; the platform's store is not. A static import, so
 *  bundles (main.mjs, the test children) keep it; a test checks it is SQLITE_PACKAGE's. */
export function walletSqlite(): typeof Database {
  return CipherDatabase as unknown as typeof Database;
}

let native_binding: string | undefined;

/** Sets, process-wide, the addon file every later `new Database(..., sqliteOpenOptions())`
 *  loads; undefined goes back to the package's default (Node's) build. */
export function useSqliteNativeBinding(addon_path: string | undefined): void {
  if (addon_path !== undefined && !path.isAbsolute(addon_path)) {
    throw new Error(`the SQLite native binding must be an absolute path, got ${JSON.stringify(addon_path)}`);
  }
  native_binding = addon_path;
}

/** The addon file set by useSqliteNativeBinding, or undefined for the package's default build. */
export function sqliteNativeBinding(): string | undefined {
  return native_binding;
}

/** Options for `new Database(file, sqliteOpenOptions({...}))`: the caller's options plus the
 *  process's native binding, when one is set. */
export function sqliteOpenOptions(extra: Database.Options = {}): Database.Options {
  if ('nativeBinding' in extra) throw new Error('nativeBinding is chosen process-wide (useSqliteNativeBinding), not per database');
  return native_binding === undefined ? { ...extra } : { ...extra, nativeBinding: native_binding };
}

/** Opens and closes an in-memory database with the current binding: loads the addon now, so
 *  a wrong build fails at startup with its own error rather than at the first ledger read. */
export function loadSqliteBindingNow(pkg: SqlitePackage = SQLITE_PACKAGE, from_dir = import.meta.dirname): void {
  const Db = createRequire(path.join(from_dir, 'noop.js'))(pkg.name) as typeof Database;
  new Db(':memory:', sqliteOpenOptions()).close();
}
