// `npm start`'s preparation of the desktop app's SQLite addon for Electron's ABI. The package
// is copied to its own folder (electron/services/native/electron-build.ts says where) and built
// there by @electron/rebuild: a prebuilt binary when one can be fetched (prebuild-install
// --runtime electron), otherwise node-gyp against Electron's headers. Node's build in
// node_modules is never touched, so tests, browser mode and the CLIs keep working. A build
// that matches this Electron and this package version is reused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ELECTRON_BUILD_ROOT,
  electronBuildPaths,
  inspectElectronBuild,
  installedPackageVersion,
  type ElectronBuildManifest,
  type ElectronTarget,
} from '../electron/services/native/electron-build.js';
import { SQLITE_PACKAGE, type SqlitePackage } from '../electron/services/native/sqlite-binding.js';

export interface BuildRequest {
  /** The package copy to build in; the addon must end up at `<module_dir>/<pkg.addon>`. */
  module_dir: string;
  target: ElectronTarget;
  log: (line: string) => void;
}
/** Builds the addon in `module_dir` for `target`; the real one is electronRebuild. */
export type NativeBuilder = (req: BuildRequest) => Promise<void>;

export class PrepareError extends Error {
  override name = 'PrepareError';
}

/** Top-level entries of the package not copied: Node's build and anything installed or prebuilt. */
const NOT_COPIED = new Set(['build', 'node_modules', 'prebuilds', 'bin']);
/** How often a long build says it is still going. */
const HEARTBEAT_MS = 15_000;

/** Makes sure the Electron build for `target` exists and is current; builds it when it is
 *  missing or stale. Returns the addon's path and whether an existing build was reused. */
export async function ensureElectronSqlite(opts: {
  root: string;
  target: ElectronTarget;
  log: (line: string) => void;
  build?: NativeBuilder;
  pkg?: SqlitePackage;
}): Promise<{ addon: string; reused: boolean }> {
  const pkg = opts.pkg ?? SQLITE_PACKAGE;
  const { root, target, log } = opts;
  const state = inspectElectronBuild(root, target, pkg);
  const rel = path.relative(root, state.paths.dir);
  if (state.fresh) {
    log(`${pkg.name} for Electron ${target.electron_version} (module version ${target.abi}): reusing ${rel}`);
    return { addon: state.paths.addon, reused: true };
  }
  log(`Preparing ${pkg.name} for Electron ${target.electron_version} (module version ${target.abi}) in ${rel}: ${state.reason}.`);
  log('  Fetching a prebuilt binary, or compiling from source where there is none (can take a few minutes)…');
  const started = Date.now();
  const staging_root = path.join(root, ELECTRON_BUILD_ROOT, `staging-${process.pid}`);
  const staging = path.join(staging_root, pkg.name);
  fs.rmSync(staging_root, { recursive: true, force: true });
  try {
    copyPackageSource(path.join(root, 'node_modules', pkg.name), staging);
    await (opts.build ?? electronRebuild)({ module_dir: staging, target, log });
    if (!fs.existsSync(path.join(staging, pkg.addon))) throw new PrepareError(`the build finished but left no ${pkg.addon} in ${staging}`);
    const manifest: ElectronBuildManifest = {
      package: pkg.name,
      package_version: installedPackageVersion(root, pkg),
      ...target,
      built_at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(staging, path.basename(state.paths.manifest)), `${JSON.stringify(manifest, null, 2)}\n`);
    // The old build is ours (generated, stale): replace it whole, never half.
    fs.rmSync(state.paths.dir, { recursive: true, force: true });
    fs.renameSync(staging, state.paths.dir);
  } finally {
    fs.rmSync(staging_root, { recursive: true, force: true });
  }
  log(`  ${pkg.name} for Electron ${target.electron_version} is ready (${Math.round((Date.now() - started) / 1000)} s).`);
  return { addon: electronBuildPaths(root, pkg).addon, reused: false };
}

function copyPackageSource(from: string, to: string): void {
  if (!fs.existsSync(path.join(from, 'package.json'))) throw new PrepareError(`${from} is not installed: run \`npm install\` first`);
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (NOT_COPIED.has(entry)) continue;
    fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
  }
}

/** The Electron that `npm install` installed: its version, and its NODE_MODULE_VERSION from
 *  the package's abi_version file or, where the package has none, from the binary itself. */
export function installedElectronTarget(root: string, electron_binary: string): ElectronTarget {
  const dir = path.join(root, 'node_modules', 'electron');
  const version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  let abi = fs.existsSync(path.join(dir, 'abi_version')) ? fs.readFileSync(path.join(dir, 'abi_version'), 'utf8').trim() : '';
  if (abi === '') {
    const r = spawnSync(electron_binary, ['-p', 'process.versions.modules'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
    abi = (r.stdout ?? '').trim();
  }
  if (!/^\d+$/.test(abi)) throw new PrepareError(`cannot tell the module version (ABI) of Electron ${version}: reinstall it with \`npm install\``);
  return { electron_version: version, abi, platform: process.platform, arch: process.arch };
}

/** What the person starting the app has to install or fix, read from a failed build's output. */
export function whatToInstall(output: string, platform: NodeJS.Platform = process.platform): string {
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|socket hang up|certificate|fetch failed|bad port|\b\d{3} (status code |response )?downloading|problem while downloading|network connectivity/i.test(output)) {
    return (
      'Downloading failed: neither a prebuilt binary (github.com) nor Electron\'s headers (electronjs.org) could be fetched. ' +
      'Check the network connection or proxy (HTTPS_PROXY), then run `npm start` again.'
    );
  }
  if (/find Python|any Python|python3?: (command )?not found|No module named/i.test(output)) {
    return `No prebuilt binary was available and compiling needs Python 3: ${toolchainHint(platform)}`;
  }
  if (/make: (command )?not found|not found: make|[gc]\+\+: (command )?not found|\bcc: (command )?not found|xcrun: error|xcode-select|Visual Studio|MSBuild|msvs/i.test(output)) {
    return `No prebuilt binary was available and no C++ compiler was found: ${toolchainHint(platform)}`;
  }
  return `Compiling it failed. It needs network access to github.com and electronjs.org, or else a C++ toolchain: ${toolchainHint(platform)}`;
}

function toolchainHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'install the Xcode Command Line Tools (`xcode-select --install`) and Python 3.';
  if (platform === 'win32') return 'install Python 3 and Visual Studio Build Tools with the "Desktop development with C++" workload.';
  return 'install python3, make and g++ (Debian/Ubuntu: `sudo apt-get install python3 make g++`; Fedora: `sudo dnf install python3 make gcc-c++`).';
}

/** The real builder: @electron/rebuild on the package copy only (projectRootPath keeps it from
 *  walking up into the project's node_modules). Its output goes to a log file next to the
 *  builds; a failure says what to install and where the full output is. */
export async function electronRebuild(req: BuildRequest, options: { header_url?: string } = {}): Promise<void> {
  const { rebuild } = await import('@electron/rebuild');
  const log_file = path.join(path.dirname(path.dirname(req.module_dir)), 'last-build.log');
  const output: string[] = [];
  const capture = (...args: unknown[]) => { output.push(args.map(String).join(' ')); };
  const saved = { error: console.error, warn: console.warn };
  console.error = capture; // node-gyp's output on failure is printed with console.error
  console.warn = capture;
  // An npm `nodedir` setting points node-gyp at Node's headers, which would give a Node build
  // labelled as Electron's: the build must use the Electron headers its --target names.
  const saved_env = { lower: process.env.npm_config_nodedir, upper: process.env.NPM_CONFIG_NODEDIR };
  delete process.env.npm_config_nodedir;
  delete process.env.NPM_CONFIG_NODEDIR;
  const started = Date.now();
  const heartbeat = setInterval(() => req.log(`  still building (${Math.round((Date.now() - started) / 1000)} s)…`), HEARTBEAT_MS);
  try {
    const run = rebuild({
      buildPath: req.module_dir,
      projectRootPath: req.module_dir,
      electronVersion: req.target.electron_version,
      forceABI: Number(req.target.abi),
      arch: req.target.arch,
      platform: req.target.platform as NodeJS.Platform,
      force: true,
      mode: 'sequential',
      ...(options.header_url ? { headerURL: options.header_url } : {}),
    });
    const name = path.basename(req.module_dir);
    run.lifecycle.on('module-found', () => req.log(`  ${name}: building…`));
    run.lifecycle.on('module-done', () => req.log(`  ${name}: built`));
    await run;
    checkAddonAbi(path.join(req.module_dir, SQLITE_PACKAGE.addon), req.target);
  } catch (err) {
    if (err instanceof PrepareError) throw err;
    const text = `${output.join('\n')}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    fs.mkdirSync(path.dirname(log_file), { recursive: true });
    fs.writeFileSync(log_file, text);
    throw new PrepareError(`Could not build ${path.basename(req.module_dir)} for Electron ${req.target.electron_version}. ${whatToInstall(text)} Full output: ${log_file}`);
  } finally {
    clearInterval(heartbeat);
    console.error = saved.error;
    console.warn = saved.warn;
    if (saved_env.lower !== undefined) process.env.npm_config_nodedir = saved_env.lower;
    if (saved_env.upper !== undefined) process.env.NPM_CONFIG_NODEDIR = saved_env.upper;
  }
}

/** The module version an addon was built for, as seen by loading it in a plain Node child:
 *  Node names it when it refuses a foreign one; an addon Node loads is Node's. Undefined when
 *  the load fails for another reason (then the shell's own load check has the last word). */
export function addonAbi(addon: string): string | undefined {
  const r = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', addon], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return process.versions.modules;
  return /NODE_MODULE_VERSION (\d+)\.\s+This version/.exec(r.stderr ?? '')?.[1];
}

function checkAddonAbi(addon: string, target: ElectronTarget): void {
  const abi = addonAbi(addon);
  if (abi !== undefined && abi !== target.abi) {
    throw new PrepareError(`the build of ${addon} is for module version ${abi}, not Electron ${target.electron_version}'s ${target.abi} (is a \`nodedir\` or \`target\` set in .npmrc?)`);
  }
}
