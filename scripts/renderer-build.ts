// Builds the renderer when dist/renderer is missing or older than its sources, so that
// `npm start` works on a fresh clone and stays quick afterwards.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const SOURCE_DIRS = ['renderer', 'shared'];
const BUILT = 'dist/renderer/index.html';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function rendererIsStale(root: string): boolean {
  const built = path.join(root, BUILT);
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCE_DIRS.some((d) => newestMtimeMs(path.join(root, d)) > builtAt);
}

export function ensureRendererBuilt(root: string, log: (line: string) => void): void {
  if (!rendererIsStale(root)) return;
  log('Building the renderer (vite)…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('renderer build failed (see above)');
}
