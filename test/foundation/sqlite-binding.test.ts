// Which SQLite build a process loads (issue 15), with made-up ABIs: plain Node and packaged
// apps load the package's default build; Electron from source loads the project's Electron
// build only when it was made for this Electron version, module version, package version and
// platform; every refusal says why and what to run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chooseSqliteBinding,
  electronBuildPaths,
  electronBuildState,
  explainLoadFailure,
  readElectronBuildManifest,
  SqliteBindingError,
  type BuildState,
  type ElectronBuildManifest,
  type ElectronBuildPaths,
  type ElectronTarget,
  type RuntimeAbi,
} from '../../electron/services/native/electron-build.js';
import { SQLITE_PACKAGE, sqliteNativeBinding, sqliteOpenOptions, useSqliteNativeBinding, walletSqlite } from '../../electron/services/native/sqlite-binding.js';
import { createRequire } from 'node:module';
import PlatformDatabase from 'better-sqlite3';
import { whatToInstall } from '../../scripts/electron-sqlite.js';

const target: ElectronTarget = { electron_version: '45.4.1', abi: '150', platform: 'linux', arch: 'x64' };
const manifest: ElectronBuildManifest = { package: SQLITE_PACKAGE.name, package_version: '12.11.1', ...target, built_at: '2026-01-01T00:00:00.000Z' };
const installed = { name: SQLITE_PACKAGE.name, version: '12.11.1' };
const state = (m: Partial<ElectronBuildManifest> | null, addon_exists = true): BuildState =>
  electronBuildState({ manifest: m === null ? null : { ...manifest, ...m }, addon_exists, target, installed });

describe('Electron build staleness', () => {
  it('a build made for this Electron, module version, package version and platform is fresh', () => {
    expect(state({})).toEqual({ fresh: true });
  });

  it('each mismatch makes it stale, and the reason names both sides', () => {
    expect(state(null)).toEqual({ fresh: false, reason: 'no Electron build yet' });
    expect(state({ electron_version: '44.0.0' })).toEqual({ fresh: false, reason: 'it was built for Electron 44.0.0, this is Electron 45.4.1' });
    expect(state({ abi: '140' })).toEqual({ fresh: false, reason: 'it was built for module version 140, Electron 45.4.1 needs 150' });
    expect(state({ package_version: '12.10.0' })).toEqual({ fresh: false, reason: `it was built from ${SQLITE_PACKAGE.name} 12.10.0, 12.11.1 is installed now` });
    expect(state({ package: 'better-sqlite3' })).toEqual({
      fresh: false,
      reason: 'it is a build of better-sqlite3, the app now uses better-sqlite3-multiple-ciphers',
    });
    expect(state({ arch: 'arm64' })).toEqual({ fresh: false, reason: 'it was built for linux-arm64, this is linux-x64' });
    expect(state({}, false)).toEqual({ fresh: false, reason: 'its addon file is missing' });
  });

  it('an unreadable or invalid record is stale with its problem, never trusted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-manifest-'));
    const file = path.join(dir, 'electron-build.json');
    expect(readElectronBuildManifest(file)).toBeNull();
    fs.writeFileSync(file, '{not json');
    expect(readElectronBuildManifest(file)).toEqual({ problem: `its record ${file} is not JSON` });
    fs.writeFileSync(file, JSON.stringify({ ...manifest, abi: 'v150' }));
    expect(readElectronBuildManifest(file)).toEqual({ problem: `its record ${file} is not valid (a NODE_MODULE_VERSION)` });
    fs.writeFileSync(file, JSON.stringify(manifest));
    expect(readElectronBuildManifest(file)).toEqual(manifest);
    const problem = readElectronBuildManifest(path.join(dir, 'x', '..', 'electron-build.json.missing'));
    expect(problem).toBeNull();
    expect(electronBuildState({ manifest: { problem: 'its record is not JSON' }, addon_exists: true, target, installed })).toEqual({
      fresh: false,
      reason: 'its record is not JSON',
    });
  });
});

describe('choosing the binding by ABI', () => {
  const paths: ElectronBuildPaths = electronBuildPaths('/project');
  const electron: RuntimeAbi = { abi: '150', electron_version: '45.4.1', platform: 'linux', arch: 'x64' };
  const never = () => {
    throw new Error('the Electron build must not be consulted here');
  };

  it('plain Node (tests, browser mode, CLIs) loads the default build without looking for an Electron one', () => {
    const c = chooseSqliteBinding({ runtime: { abi: '115', electron_version: undefined, platform: 'linux', arch: 'x64' }, packaged: false, build: never });
    expect(c).toEqual({ kind: 'default', why: 'plain Node (module version 115) loads the build npm install made' });
  });

  it('a packaged app loads the build electron-builder made inside the package', () => {
    const c = chooseSqliteBinding({ runtime: electron, packaged: true, build: never });
    expect(c.kind).toBe('default');
    expect(c.why).toContain('packaged app');
  });

  it('Electron from source loads the Electron build when it is fresh for this ABI', () => {
    const c = chooseSqliteBinding({ runtime: electron, packaged: false, build: () => ({ fresh: true, paths }) });
    expect(c).toEqual({ kind: 'electron-build', addon: paths.addon, why: `Electron 45.4.1 (module version 150) loads the Electron build in ${paths.dir}` });
    expect(paths.addon).toBe(path.join('/project', 'node_modules/.cache/electron-native', SQLITE_PACKAGE.name, SQLITE_PACKAGE.addon));
  });

  it('Electron from source without a fresh build is refused with the reason and the command that fixes it', () => {
    const run = () => chooseSqliteBinding({ runtime: { ...electron, abi: '151', electron_version: '46.0.0' }, packaged: false, build: () => ({ fresh: false, reason: 'it was built for Electron 45.4.1, this is Electron 46.0.0', paths }) });
    expect(run).toThrow(SqliteBindingError);
    expect(run).toThrow(
      `No usable build of ${SQLITE_PACKAGE.name} for Electron 46.0.0 (module version 151) in ${paths.dir}: it was built for Electron 45.4.1, this is Electron 46.0.0. Start the desktop app with \`npm start\`, which prepares that build`,
    );
  });

  it('the package is a parameter: another SQLite package gets its own folder and texts', () => {
    const pkg = { name: 'better-sqlite3-multiple-ciphers', addon: 'build/Release/better_sqlite3.node' };
    const p = electronBuildPaths('/project', pkg);
    expect(p.dir).toBe(path.join('/project', 'node_modules/.cache/electron-native', pkg.name));
    expect(() => chooseSqliteBinding({ runtime: electron, packaged: false, pkg, build: () => ({ fresh: false, reason: 'no Electron build yet', paths: p }) })).toThrow(
      /^No usable build of better-sqlite3-multiple-ciphers for Electron 45\.4\.1/,
    );
  });
});

describe('load failures in words', () => {
  const abiError = new Error(
    "The module '/p/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 150. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
  );

  it('a module-version mismatch under Electron names both versions and `npm start`', () => {
    const text = explainLoadFailure(abiError, '/p/better_sqlite3.node', { abi: '150', electron_version: '45.4.1', platform: 'linux', arch: 'x64' });
    expect(text).toBe(
      '/p/better_sqlite3.node was built for module version 115, but Electron 45.4.1 needs 150. Start the desktop app with `npm start`, which prepares a build for this Electron in node_modules/.cache/electron-native.',
    );
  });

  it('a module-version mismatch under Node says how to rebuild Node\'s build', () => {
    const text = explainLoadFailure(abiError, undefined, { abi: '150', electron_version: undefined, platform: 'linux', arch: 'x64' });
    expect(text).toMatch(/^better-sqlite3-multiple-ciphers's default build was built for module version 115, but Node v\S+ needs 150\. Rebuild Node's build with `npm rebuild better-sqlite3-multiple-ciphers`/);
  });

  it('any other failure keeps its first line and says how to start over', () => {
    const text = explainLoadFailure(new Error('invalid ELF header\nstack…'), '/p/x.node', { abi: '150', electron_version: '45.4.1', platform: 'linux', arch: 'x64' });
    expect(text).toBe('Electron 45.4.1 could not load /p/x.node: invalid ELF header. Delete node_modules/.cache/electron-native and run `npm start` to prepare it again.');
  });
});

describe('what a failed build asks the user to install', () => {
  it('a download failure (DNS, refused, HTTP error) asks for the network', () => {
    for (const out of [
      'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity.',
      'Error: getaddrinfo ENOTFOUND www.electronjs.org',
      'Error: 404 response downloading https://www.electronjs.org/headers/v99.0.0/node-v99.0.0-headers.tar.gz',
      'TypeError: fetch failed ECONNREFUSED 127.0.0.1:1',
    ]) expect(whatToInstall(out, 'linux'), out).toMatch(/^Downloading failed: .*github\.com.*electronjs\.org.*Check the network connection or proxy/);
  });

  it('a missing Python or compiler names the platform\'s toolchain', () => {
    expect(whatToInstall('gyp ERR! find Python Python is not set from command line', 'linux')).toBe(
      'No prebuilt binary was available and compiling needs Python 3: install python3, make and g++ (Debian/Ubuntu: `sudo apt-get install python3 make g++`; Fedora: `sudo dnf install python3 make gcc-c++`).',
    );
    expect(whatToInstall('/bin/sh: 1: g++: not found', 'linux')).toMatch(/^No prebuilt binary was available and no C\+\+ compiler was found: install python3, make and g\+\+/);
    expect(whatToInstall('gyp: No Xcode or CLT version detected!\nxcode-select: error', 'darwin')).toMatch(/Xcode Command Line Tools \(`xcode-select --install`\)/);
    expect(whatToInstall('gyp ERR! find VS could not find a version of Visual Studio 2017 or newer to use', 'win32')).toMatch(/Visual Studio Build Tools/);
  });

  it('anything else still names both ways out', () => {
    expect(whatToInstall('error: something odd', 'linux')).toMatch(/^Compiling it failed\. It needs network access to github\.com and electronjs\.org, or else a C\+\+ toolchain: install python3/);
  });
});

describe('the process-wide binding', () => {
  afterEach(() => useSqliteNativeBinding(undefined));

  it('is the default build until the shell sets one, then every open passes it', () => {
    expect(sqliteNativeBinding()).toBeUndefined();
    expect(sqliteOpenOptions({ readonly: true })).toEqual({ readonly: true });
    useSqliteNativeBinding('/abs/electron/better_sqlite3.node');
    expect(sqliteOpenOptions()).toEqual({ nativeBinding: '/abs/electron/better_sqlite3.node' });
    expect(sqliteOpenOptions({ readonly: true, timeout: 100 })).toEqual({ readonly: true, timeout: 100, nativeBinding: '/abs/electron/better_sqlite3.node' });
  });

  it('refuses a relative path and a per-database override, changing nothing', () => {
    useSqliteNativeBinding('/abs/a.node');
    expect(() => useSqliteNativeBinding('rel/a.node')).toThrow('the SQLite native binding must be an absolute path, got "rel/a.node"');
    expect(sqliteNativeBinding()).toBe('/abs/a.node');
    expect(() => sqliteOpenOptions({ nativeBinding: '/other.node' })).toThrow(/chosen process-wide/);
  });
});

describe('one binding choice point', () => {
  it('walletSqlite() is SQLITE_PACKAGE\'s Database class', () => {
    expect(walletSqlite()).toBe(createRequire(import.meta.url)(SQLITE_PACKAGE.name));
  });

  it('the platform\'s better-sqlite3 runs over the wallet\'s addon (the embedded demo platform in the desktop app is handed it)', () => {
    const addon = path.join(path.dirname(createRequire(import.meta.url).resolve(`${SQLITE_PACKAGE.name}/package.json`)), SQLITE_PACKAGE.addon);
    const db = new PlatformDatabase(':memory:', { nativeBinding: addon });
    try {
      db.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)');
      expect(db.prepare('SELECT sum(a) FROM t').pluck().get()).toBe(3);
      expect(db.pragma('cipher', { simple: true })).toBeTruthy(); // the SQLite3 Multiple Ciphers build
    } finally {
      db.close();
    }
  });
});

