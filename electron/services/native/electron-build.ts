// The desktop app's own build of the SQLite addon, for Electron's ABI, kept beside Node's
// build instead of over it: Node's stays where `npm install` put it (tests, browser mode, the
// CLIs). `npm start` prepares this one (scripts/electron-sqlite.ts); the shell picks it here
// by the ABI it runs under (process.versions.modules). Packaged apps carry a build that
// electron-builder made inside the package, so none of this applies to them.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SQLITE_PACKAGE, loadSqliteBindingNow, useSqliteNativeBinding, type SqlitePackage } from './sqlite-binding.js';

/** Where the Electron builds live, relative to the project root (`npm ci` clears it with node_modules). */
export const ELECTRON_BUILD_ROOT = 'node_modules/.cache/electron-native';
const MANIFEST_FILE = 'electron-build.json';

/** What a build was made for, written after it was made and compared at every start. */
export const ElectronBuildManifest = z.object({
  package: z.string().min(1),
  package_version: z.string().min(1),
  electron_version: z.string().min(1),
  abi: z.string().regex(/^\d+$/, 'a NODE_MODULE_VERSION'),
  platform: z.string().min(1),
  arch: z.string().min(1),
  built_at: z.string().min(1),
});
export type ElectronBuildManifest = z.infer<typeof ElectronBuildManifest>;

/** The Electron a build is for: its version and NODE_MODULE_VERSION (`process.versions.modules`). */
export interface ElectronTarget {
  electron_version: string;
  abi: string;
  platform: string;
  arch: string;
}

export interface ElectronBuildPaths {
  /** The package copy the build lives in. */
  dir: string;
  addon: string;
  manifest: string;
}

export function electronBuildPaths(root: string, pkg: SqlitePackage = SQLITE_PACKAGE): ElectronBuildPaths {
  const dir = path.join(root, ELECTRON_BUILD_ROOT, pkg.name);
  return { dir, addon: path.join(dir, pkg.addon), manifest: path.join(dir, MANIFEST_FILE) };
}

export type BuildState = { fresh: true } | { fresh: false; reason: string };

/** Whether a build made as `manifest` says can serve `target` with the installed package.
 *  Pure: every input is passed in, so each reason is unit-tested with made-up ABIs. */
export function electronBuildState(input: {
  manifest: ElectronBuildManifest | { problem: string } | null;
  addon_exists: boolean;
  target: ElectronTarget;
  installed: { name: string; version: string };
}): BuildState {
  const { manifest: m, target: t, installed } = input;
  if (m === null) return { fresh: false, reason: 'no Electron build yet' };
  if ('problem' in m) return { fresh: false, reason: m.problem };
  if (m.package !== installed.name) return { fresh: false, reason: `it is a build of ${m.package}, the app now uses ${installed.name}` };
  if (m.package_version !== installed.version) {
    return { fresh: false, reason: `it was built from ${m.package} ${m.package_version}, ${installed.version} is installed now` };
  }
  if (m.electron_version !== t.electron_version) {
    return { fresh: false, reason: `it was built for Electron ${m.electron_version}, this is Electron ${t.electron_version}` };
  }
  if (m.abi !== t.abi) {
    return { fresh: false, reason: `it was built for module version ${m.abi}, Electron ${t.electron_version} needs ${t.abi}` };
  }
  if (m.platform !== t.platform || m.arch !== t.arch) {
    return { fresh: false, reason: `it was built for ${m.platform}-${m.arch}, this is ${t.platform}-${t.arch}` };
  }
  if (!input.addon_exists) return { fresh: false, reason: 'its addon file is missing' };
  return { fresh: true };
}

/** The manifest on disk: null when there is none, a problem when it cannot be trusted. */
export function readElectronBuildManifest(file: string): ElectronBuildManifest | { problem: string } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `its record ${file} cannot be read (${(err as Error).message})` };
  }
  try {
    const parsed = ElectronBuildManifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { problem: `its record ${file} is not valid (${parsed.error.issues[0]?.message ?? 'bad fields'})` };
  } catch {
    return { problem: `its record ${file} is not JSON` };
  }
}

/** The version of the SQLite package `npm install` put in the project. */
export function installedPackageVersion(root: string, pkg: SqlitePackage = SQLITE_PACKAGE): string {
  const file = path.join(root, 'node_modules', pkg.name, 'package.json');
  const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string' || version === '') throw new Error(`${file} has no version`);
  return version;
}

/** The state of the project's Electron build for `target`, read from disk. */
export function inspectElectronBuild(root: string, target: ElectronTarget, pkg: SqlitePackage = SQLITE_PACKAGE): BuildState & { paths: ElectronBuildPaths } {
  const paths = electronBuildPaths(root, pkg);
  const state = electronBuildState({
    manifest: readElectronBuildManifest(paths.manifest),
    addon_exists: fs.existsSync(paths.addon),
    target,
    installed: { name: pkg.name, version: installedPackageVersion(root, pkg) },
  });
  return { ...state, paths };
}

/** The process the binding is for: `process.versions.modules`, `process.versions.electron`. */
export interface RuntimeAbi {
  abi: string;
  electron_version: string | undefined;
  platform: string;
  arch: string;
}

export type BindingChoice =
  | { kind: 'default'; why: string }
  | { kind: 'electron-build'; addon: string; why: string };

export class SqliteBindingError extends Error {
  override name = 'SqliteBindingError';
}

/** Which build of the SQLite addon a process with this ABI loads. Throws SqliteBindingError,
 *  worded for the person who started the app, when there is none it can load. */
export function chooseSqliteBinding(input: {
  runtime: RuntimeAbi;
  packaged: boolean;
  /** The project's Electron build; only consulted under Electron, from source. */
  build: () => BuildState & { paths: ElectronBuildPaths };
  pkg?: SqlitePackage;
}): BindingChoice {
  const { runtime, pkg = SQLITE_PACKAGE } = input;
  if (runtime.electron_version === undefined) {
    return { kind: 'default', why: `plain Node (module version ${runtime.abi}) loads the build npm install made` };
  }
  if (input.packaged) {
    return { kind: 'default', why: `packaged app: electron-builder built ${pkg.name} for Electron ${runtime.electron_version} inside the package` };
  }
  const target: ElectronTarget = { electron_version: runtime.electron_version, abi: runtime.abi, platform: runtime.platform, arch: runtime.arch };
  const build = input.build();
  if (!build.fresh) throw new SqliteBindingError(missingBuildMessage(pkg, target, build.paths.dir, build.reason));
  return {
    kind: 'electron-build',
    addon: build.paths.addon,
    why: `Electron ${target.electron_version} (module version ${target.abi}) loads the Electron build in ${build.paths.dir}`,
  };
}

export function missingBuildMessage(pkg: SqlitePackage, target: ElectronTarget, dir: string, reason: string): string {
  return (
    `No usable build of ${pkg.name} for Electron ${target.electron_version} (module version ${target.abi}) in ${dir}: ${reason}. ` +
    'Start the desktop app with `npm start`, which prepares that build; Node\'s own build in node_modules is for tests, browser mode and the CLIs.'
  );
}

/** Why an addon would not load, in words that say what to do. */
export function explainLoadFailure(err: unknown, addon: string | undefined, runtime: RuntimeAbi, pkg: SqlitePackage = SQLITE_PACKAGE): string {
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0] ?? raw;
  const where = addon ?? `${pkg.name}'s default build`;
  const host = runtime.electron_version === undefined ? `Node ${process.version}` : `Electron ${runtime.electron_version}`;
  const built_for = /NODE_MODULE_VERSION (\d+)\.\s+This version of .*?requires\s+NODE_MODULE_VERSION (\d+)/s.exec(raw);
  if (built_for) {
    return (
      `${where} was built for module version ${built_for[1]}, but ${host} needs ${built_for[2]}. ` +
      (runtime.electron_version === undefined
        ? `Rebuild Node's build with \`npm rebuild ${pkg.name}\` (needs python3, make and a C++ compiler).`
        : `Start the desktop app with \`npm start\`, which prepares a build for this Electron in ${ELECTRON_BUILD_ROOT}.`)
    );
  }
  return `${host} could not load ${where}: ${first}. Delete ${ELECTRON_BUILD_ROOT} and run \`npm start\` to prepare it again.`;
}


/** The shell's startup step: chooses the binding for this process, sets it process-wide,
 *  loads it once, and returns the line saying which build it loaded and why. */
export function setUpSqliteBinding(opts: { root: string; runtime: RuntimeAbi; packaged: boolean; pkg?: SqlitePackage }): string {
  const pkg = opts.pkg ?? SQLITE_PACKAGE;
  const choice = chooseSqliteBinding({
    runtime: opts.runtime,
    packaged: opts.packaged,
    pkg,
    build: () =>
      inspectElectronBuild(opts.root, { electron_version: opts.runtime.electron_version ?? '', abi: opts.runtime.abi, platform: opts.runtime.platform, arch: opts.runtime.arch }, pkg),
  });
  const addon = choice.kind === 'electron-build' ? choice.addon : undefined;
  useSqliteNativeBinding(addon);
  try {
    loadSqliteBindingNow(pkg);
  } catch (err) {
    useSqliteNativeBinding(undefined);
    throw new SqliteBindingError(explainLoadFailure(err, addon, opts.runtime, pkg));
  }
  return `SQLite: ${choice.kind === 'electron-build' ? `loaded ${addon}` : `loaded ${pkg.name}'s default build`} (${choice.why})`;
}
