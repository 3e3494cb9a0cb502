// The desktop app's path to SQLite, end to end without Electron (issue 15): the ledger opened
// through better-sqlite3's `nativeBinding` from a separate folder (Node's own build copied
// there stands in for the Electron build), and the shell's startup step choosing that folder
// for a made-up Electron whose module version is Node's.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import { electronBuildPaths, setUpSqliteBinding, SqliteBindingError, type ElectronBuildManifest } from '../../electron/services/native/electron-build.js';
import { SQLITE_PACKAGE, sqliteNativeBinding, sqliteOpenOptions, useSqliteNativeBinding } from '../../electron/services/native/sqlite-binding.js';
import { PlatformCore } from '../../platform/index.js';
import { tempDir } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_BUILD = path.join(ROOT, 'node_modules', SQLITE_PACKAGE.name, SQLITE_PACKAGE.addon);
const requireCache = createRequire(import.meta.url).cache;
const deposit = (seq: number, amount: string) => ({ id: `e${seq}`, seq, account_id: 'acct-1', time: '2026-01-01T00:00:00.000Z', type: 'deposit', amount_usd: amount });

/** Whether this process has the shared object at `file` mapped (Linux). */
const mapped = (file: string) => fs.readFileSync('/proc/self/maps', 'utf8').includes(fs.realpathSync(file));

const original_dlopen = process.dlopen;
afterEach(() => {
  useSqliteNativeBinding(undefined);
  process.dlopen = original_dlopen;
});

/** A project folder whose node_modules/better-sqlite3 is the real package, with an "Electron"
 *  build (Node's build copied) recorded for `electron_version` at Node's module version. */
function projectWithElectronBuild(electron_version: string): { root: string; addon: string } {
  const root = tempDir('cw-project-');
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', SQLITE_PACKAGE.name), path.join(root, 'node_modules', SQLITE_PACKAGE.name), 'dir');
  const paths = electronBuildPaths(root);
  fs.mkdirSync(path.dirname(paths.addon), { recursive: true });
  fs.copyFileSync(NODE_BUILD, paths.addon);
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', SQLITE_PACKAGE.name, 'package.json'), 'utf8')) as { version: string }).version;
  const manifest: ElectronBuildManifest = {
    package: SQLITE_PACKAGE.name, package_version: version, electron_version, abi: process.versions.modules,
    platform: process.platform, arch: process.arch, built_at: new Date().toISOString(),
  };
  fs.writeFileSync(paths.manifest, JSON.stringify(manifest));
  return { root, addon: paths.addon };
}

const fakeElectron = (electron_version: string) => ({ abi: process.versions.modules, electron_version, platform: process.platform, arch: process.arch });

describe('the ledger through nativeBinding from a separate folder', () => {
  it('opens, writes, reopens and verifies with the addon loaded from that folder', () => {
    const separate = path.join(tempDir('cw-binding-'), 'electron-build', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(separate), { recursive: true });
    fs.copyFileSync(NODE_BUILD, separate);
    useSqliteNativeBinding(separate);
    const file = path.join(tempDir(), 'ledger.db');
    const ledger = openLedger({ path: file });
    expect(ledger.ingest([deposit(1, '100.00'), deposit(2, '25.50')])).toMatchObject({ applied: 2, cursor_seq: 2 });
    ledger.close();
    const again = openLedger({ path: file });
    expect(again.walletBalances().usd).toBe('125.5');
    expect(again.verify().ok).toBe(true);
    again.close();
    expect(requireCache[separate], 'loaded through require() from the separate folder').toBeDefined();
    if (process.platform === 'linux') expect(mapped(separate)).toBe(true);
  });

  it('a binding that does not exist fails the open: the option is really used', () => {
    useSqliteNativeBinding(path.join(tempDir('cw-binding-'), 'missing', 'better_sqlite3.node'));
    expect(() => openLedger({ path: path.join(tempDir(), 'ledger.db') })).toThrow(/Cannot find module/);
  });
});

describe("the shell's startup step, with a made-up Electron", () => {
  it('loads the recorded Electron build and says so; the ledger and the embedded platform use it', () => {
    const { root, addon } = projectWithElectronBuild('99.0.0-test');
    const line = setUpSqliteBinding({ root, packaged: false, runtime: fakeElectron('99.0.0-test') });
    expect(line).toBe(`SQLite: loaded ${addon} (Electron 99.0.0-test (module version ${process.versions.modules}) loads the Electron build in ${path.dirname(path.dirname(path.dirname(addon)))})`);
    expect(sqliteNativeBinding()).toBe(addon);
    const ledger = openLedger({ path: path.join(tempDir(), 'ledger.db') });
    expect(ledger.ingest([deposit(1, '7.00')])).toMatchObject({ applied: 1 });
    ledger.close();
    // The embedded demo platform opens its store with the same options (platform-connection.ts).
    const core = new PlatformCore({ db_path: ':memory:', sqlite_options: sqliteOpenOptions() });
    expect(core.createAccount({}).account_id).toMatch(/\S/);
    core.close();
    // Node's own build file was never loaded into this process: the Electron build served it.
    if (process.platform === 'linux') expect(mapped(NODE_BUILD)).toBe(false);
  });

  it('refuses a build recorded for another Electron, with the reason, and leaves the default binding', () => {
    const { root } = projectWithElectronBuild('98.0.0');
    expect(() => setUpSqliteBinding({ root, packaged: false, runtime: fakeElectron('99.0.0-test') })).toThrow(SqliteBindingError);
    expect(() => setUpSqliteBinding({ root, packaged: false, runtime: fakeElectron('99.0.0-test') })).toThrow(
      /it was built for Electron 98\.0\.0, this is Electron 99\.0\.0-test\. Start the desktop app with `npm start`/,
    );
    expect(sqliteNativeBinding()).toBeUndefined();
  });

  it('a recorded build whose file does not load is refused with the loader\'s reason, and undone', () => {
    const { root, addon } = projectWithElectronBuild('99.0.0-test');
    fs.writeFileSync(addon, 'not a shared object');
    expect(() => setUpSqliteBinding({ root, packaged: false, runtime: fakeElectron('99.0.0-test') })).toThrow(
      new RegExp(`^Electron 99\\.0\\.0-test could not load ${addon.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+\\. Delete node_modules/\\.cache/electron-native and run \`npm start\``),
    );
    expect(sqliteNativeBinding()).toBeUndefined();
    expect(process.dlopen).toBe(original_dlopen);
  });

  it('plain Node loads the default build and does not look for an Electron one', () => {
    const line = setUpSqliteBinding({ root: tempDir('cw-empty-'), packaged: false, runtime: { ...fakeElectron('x'), electron_version: undefined } });
    expect(line).toBe(`SQLite: loaded better-sqlite3-multiple-ciphers's default build (plain Node (module version ${process.versions.modules}) loads the build npm install made)`);
    expect(sqliteNativeBinding()).toBeUndefined();
  });
});
