// `npm start`'s preparation of the desktop app's SQLite build (issue 15), without Electron:
// built once into its own folder, reused while it matches, rebuilt when Electron or the
// package changes, never touching Node's build; the real @electron/rebuild run for a made-up
// Electron fails with a message naming what is missing, and afterwards the ledger tests pass.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBuildPaths, readElectronBuildManifest, type ElectronTarget } from '../../electron/services/native/electron-build.js';
import { SQLITE_PACKAGE } from '../../electron/services/native/sqlite-binding.js';
import { electronRebuild, ensureElectronSqlite, installedElectronTarget, PrepareError, type BuildRequest } from '../../scripts/electron-sqlite.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_BUILD = path.join(ROOT, 'node_modules', SQLITE_PACKAGE.name, SQLITE_PACKAGE.addon);
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const fakeTarget = (electron_version = '99.0.0', abi = '999'): ElectronTarget => ({ electron_version, abi, platform: process.platform, arch: process.arch });

/** A project folder under the repository (so tools found by walking up, like prebuild-install,
 *  are the project's) whose node_modules/better-sqlite3 is the real, installed package. */
function project(): string {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const root = fs.mkdtempSync(path.join(ROOT, '.tmp', 'prepare-'));
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', SQLITE_PACKAGE.name), path.join(root, 'node_modules', SQLITE_PACKAGE.name), 'dir');
  return root;
}

/** Stands in for @electron/rebuild: "builds" by writing a marker file where the addon goes. */
function fakeBuilder(calls: BuildRequest[], content = 'electron build') {
  return async (req: BuildRequest) => {
    calls.push(req);
    fs.mkdirSync(path.dirname(path.join(req.module_dir, SQLITE_PACKAGE.addon)), { recursive: true });
    fs.writeFileSync(path.join(req.module_dir, SQLITE_PACKAGE.addon), `${content} for ${req.target.electron_version}`);
  };
}

let node_build_hash: string;
const roots: string[] = [];
beforeAll(() => { node_build_hash = sha256(NODE_BUILD); });
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

describe('preparing the Electron build', () => {
  it('builds once into its own folder from a copy of the package, records it, and reuses it', async () => {
    const root = project();
    roots.push(root);
    const calls: BuildRequest[] = [];
    const lines: string[] = [];
    const first = await ensureElectronSqlite({ root, target: fakeTarget(), log: (l) => lines.push(l), build: fakeBuilder(calls) });
    const paths = electronBuildPaths(root);
    expect(first).toEqual({ addon: paths.addon, reused: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.target).toEqual(fakeTarget());
    expect(path.basename(calls[0]!.module_dir)).toBe(SQLITE_PACKAGE.name);
    expect(calls[0]!.module_dir.startsWith(path.join(root, 'node_modules', '.cache', 'electron-native'))).toBe(true);
    expect(fs.readFileSync(paths.addon, 'utf8')).toBe('electron build for 99.0.0');
    expect(fs.existsSync(path.join(paths.dir, 'binding.gyp')), 'the package source was copied').toBe(true);
    expect(fs.readdirSync(path.join(root, 'node_modules', '.cache', 'electron-native'))).toEqual([SQLITE_PACKAGE.name]); // no staging left
    expect(readElectronBuildManifest(paths.manifest)).toMatchObject({ package: SQLITE_PACKAGE.name, electron_version: '99.0.0', abi: '999' });
    expect(lines[0]).toBe('Preparing better-sqlite3-multiple-ciphers for Electron 99.0.0 (module version 999) in node_modules/.cache/electron-native/better-sqlite3-multiple-ciphers: no Electron build yet.');
    expect(lines.at(-1)).toMatch(/^ {2}better-sqlite3-multiple-ciphers for Electron 99\.0\.0 is ready \(\d+ s\)\.$/);

    lines.length = 0;
    const second = await ensureElectronSqlite({ root, target: fakeTarget(), log: (l) => lines.push(l), build: fakeBuilder(calls) });
    expect(second).toEqual({ addon: paths.addon, reused: true });
    expect(calls).toHaveLength(1);
    expect(lines).toEqual(['better-sqlite3-multiple-ciphers for Electron 99.0.0 (module version 999): reusing node_modules/.cache/electron-native/better-sqlite3-multiple-ciphers']);
    expect(sha256(NODE_BUILD)).toBe(node_build_hash);
  });

  it('rebuilds when the Electron version or its module version changes', async () => {
    const root = project();
    roots.push(root);
    const calls: BuildRequest[] = [];
    const lines: string[] = [];
    await ensureElectronSqlite({ root, target: fakeTarget('99.0.0', '999'), log: () => {}, build: fakeBuilder(calls) });
    await ensureElectronSqlite({ root, target: fakeTarget('99.1.0', '999'), log: (l) => lines.push(l), build: fakeBuilder(calls) });
    await ensureElectronSqlite({ root, target: fakeTarget('99.1.0', '1000'), log: (l) => lines.push(l), build: fakeBuilder(calls) });
    expect(calls.map((c) => `${c.target.electron_version}/${c.target.abi}`)).toEqual(['99.0.0/999', '99.1.0/999', '99.1.0/1000']);
    expect(lines.filter((l) => l.startsWith('Preparing'))).toEqual([
      'Preparing better-sqlite3-multiple-ciphers for Electron 99.1.0 (module version 999) in node_modules/.cache/electron-native/better-sqlite3-multiple-ciphers: it was built for Electron 99.0.0, this is Electron 99.1.0.',
      'Preparing better-sqlite3-multiple-ciphers for Electron 99.1.0 (module version 1000) in node_modules/.cache/electron-native/better-sqlite3-multiple-ciphers: it was built for module version 999, Electron 99.1.0 needs 1000.',
    ]);
    expect(readElectronBuildManifest(electronBuildPaths(root).manifest)).toMatchObject({ electron_version: '99.1.0', abi: '1000' });
  });

  it('a failed build keeps the previous build and leaves no staging behind', async () => {
    const root = project();
    roots.push(root);
    const calls: BuildRequest[] = [];
    await ensureElectronSqlite({ root, target: fakeTarget('99.0.0'), log: () => {}, build: fakeBuilder(calls) });
    const failing = async () => { throw new PrepareError('Could not build better-sqlite3-multiple-ciphers for Electron 100.0.0. Downloading failed.'); };
    await expect(ensureElectronSqlite({ root, target: fakeTarget('100.0.0'), log: () => {}, build: failing })).rejects.toThrow('Downloading failed');
    const paths = electronBuildPaths(root);
    expect(fs.readFileSync(paths.addon, 'utf8')).toBe('electron build for 99.0.0');
    expect(readElectronBuildManifest(paths.manifest)).toMatchObject({ electron_version: '99.0.0' });
    expect(fs.readdirSync(path.join(root, 'node_modules', '.cache', 'electron-native'))).toEqual([SQLITE_PACKAGE.name]);
    // A builder that "succeeds" without an addon is a failure too, never recorded.
    await expect(ensureElectronSqlite({ root, target: fakeTarget('100.0.0'), log: () => {}, build: async () => {} })).rejects.toThrow(/left no build\/Release\/better_sqlite3\.node/);
    expect(readElectronBuildManifest(paths.manifest)).toMatchObject({ electron_version: '99.0.0' });
  });
});

describe('the real @electron/rebuild for a made-up Electron, then the ledger tests', () => {
  let server: http.Server;
  let base_url: string;
  const requested: string[] = [];
  beforeAll(async () => {
    // Stands in for github.com and electronjs.org: answers every download with 404.
    server = http.createServer((req, res) => { requested.push(req.url ?? ''); res.writeHead(404).end('not found'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base_url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the real builder for `target` with every download answered 404 by the local server. */
  async function prepareOffline(target: ElectronTarget): Promise<{ root: string; lines: string[]; error: unknown }> {
    const root = project();
    roots.push(root);
    const host_var = 'npm_config_better_sqlite3_multiple_ciphers_binary_host'; // prebuild-install's download host for better-sqlite3-multiple-ciphers
    const saved = process.env[host_var];
    process.env[host_var] = base_url;
    const lines: string[] = [];
    try {
      await ensureElectronSqlite({ root, target, log: (l) => lines.push(l), build: (r) => electronRebuild(r, { header_url: base_url }) });
      return { root, lines, error: null };
    } catch (error) {
      return { root, lines, error };
    } finally {
      if (saved === undefined) delete process.env[host_var];
      else process.env[host_var] = saved;
    }
  }

  it('with a made-up Electron ABI: asks for its headers, fails saying what is missing, and changes nothing of Node\'s', async () => {
    requested.length = 0;
    const { root, lines, error } = await prepareOffline(fakeTarget('99.0.0', '999'));
    expect(error).toBeInstanceOf(PrepareError);
    expect((error as Error).message).toMatch(/^Could not build better-sqlite3-multiple-ciphers for Electron 99\.0\.0\. Downloading failed: .* Full output: .*last-build\.log$/);
    expect(requested.some((u) => u.startsWith('/v99.0.0/')), `asked for: ${requested.join(', ')}`).toBe(true);
    expect(lines).toContain('  better-sqlite3-multiple-ciphers: building…');
    expect(fs.existsSync(electronBuildPaths(root).dir)).toBe(false);
    expect(sha256(NODE_BUILD)).toBe(node_build_hash);
  });

  it('for the installed Electron: asks for its prebuilt binary first, then its headers', async () => {
    requested.length = 0;
    const target = installedElectronTarget(ROOT, 'electron-binary-not-needed-when-abi_version-exists');
    expect(target.abi).toMatch(/^\d+$/);
    const { error } = await prepareOffline(target);
    expect((error as Error).message).toMatch(/Downloading failed/);
    expect(requested[0], `asked for: ${requested.join(', ')}`).toMatch(new RegExp(`better-sqlite3-multiple-ciphers-v[\\d.]+-electron-v${target.abi}-${process.platform}-${process.arch}\\.tar\\.gz$`));
    expect(requested.some((u) => u.startsWith(`/v${target.electron_version}/`))).toBe(true);
    expect(sha256(NODE_BUILD)).toBe(node_build_hash);
  });

  it('the ledger tests still pass afterwards, loading Node\'s build as before', () => {
    // crash.test.ts (SIGKILL simulations, minutes of CPU) is left to the suite's own run.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/ledger', '--exclude', 'test/ledger/crash.test.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(r.stdout).not.toMatch(/failed/);
    expect(sha256(NODE_BUILD)).toBe(node_build_hash);
  }, 300_000);
});
