// `npm start`: the desktop app where the Electron binary is available (preparing its
// Electron build of the SQLite addon first when missing or stale), otherwise (and with
// --web, i.e. `npm run start:web`) browser mode on loopback, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAppArgs } from '../electron/app/args.js';
import { startBrowserMode } from '../electron/app/browser-mode.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { ensureElectronSqlite, installedElectronTarget, PrepareError } from './electron-sqlite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const log = (line: string) => process.stdout.write(`${line}\n`);
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Electron's path, or why it is unavailable. Probed in a child so a failed lazy
 *  download (Electron fetches its binary on first require) cannot hang or kill us. */
function probeElectron(): { path: string } | { reason: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'electron/shell/locate.cjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status === 0 && out && existsSync(out)) return { path: out };
  const why = r.error ? r.error.message : ((r.stderr ?? '').trim().split('\n').find((l) => l.includes('Error')) ?? `exit ${r.status}`);
  const detail = why.replace(/^(Type)?Error:\s*/, '').slice(0, 160);
  return { reason: existsSync(path.join(root, 'node_modules/electron/path.txt')) ? detail : `not installed, and the download failed: ${detail}` };
}

/** The desktop app loads its own Electron-ABI build of the SQLite addon (Node's build stays
 *  for tests, browser mode and the CLIs); made here on first start and when Electron changes. */
async function prepareDesktopSqlite(electron_binary: string): Promise<void> {
  try {
    await ensureElectronSqlite({ root, target: installedElectronTarget(root, electron_binary), log });
  } catch (err) {
    if (!(err instanceof PrepareError)) throw err;
    throw new Error(`the desktop app's SQLite module could not be prepared. ${err.message}\nMeanwhile \`npm run start:web\` runs the app in browser mode.`);
  }
}

async function main(): Promise<void> {
  const args = parseAppArgs(argv);
  ensureRendererBuilt(root, log);
  if (!args.web) {
    const probe = probeElectron();
    if ('path' in probe) {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-main.ts'], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('building the main process failed');
      await prepareDesktopSqlite(probe.path);
      const child = spawn(probe.path, ['.', ...argv], { cwd: root, stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    log(`Electron binary unavailable (${probe.reason}); starting browser mode instead.`);
  }
  const mode = await startBrowserMode(args, root, version);
  log(`Compute Wallet is running in browser mode. Open: ${mode.web.url}`);
  log(`Data folder: ${mode.wallet.info.data_dir}${mode.wallet.info.secret_store.warning ? `\nWarning: ${mode.wallet.info.secret_store.warning}` : ''}`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    log('Shutting down…');
    mode.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not start Compute Wallet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
