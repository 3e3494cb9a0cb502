// Architecture rule: only the thin desktop shell (electron/shell/) may import 'electron'.
// Everything else must run in plain Node, because the Electron binary cannot run here.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'release', '.git', '.tmp', 'test-results', 'playwright-report']);
const IMPORTS_ELECTRON = /(?:from\s+['"]electron(?:\/[^'"]*)?['"]|require\(\s*['"]electron(?:\/[^'"]*)?['"]\s*\)|import\(\s*['"]electron(?:\/[^'"]*)?['"]\s*\)|^\s*import\s+['"]electron['"])/m;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

const allowed = (rel: string) => rel.startsWith('electron/shell/') || rel === 'test/e2e/electron.spec.ts';

describe('electron import rule', () => {
  it('the detector recognises every form of importing electron', () => {
    for (const src of [
      "import { app } from 'electron';",
      'import * as e from "electron"',
      "const { ipcMain } = require('electron')",
      "await import('electron')",
      "import type { BrowserWindow } from 'electron/main';",
    ]) expect(IMPORTS_ELECTRON.test(src), src).toBe(true);
    for (const src of ["import x from 'electron-builder'", "// electron is not imported here", "import { y } from './electronish.js'"]) {
      expect(IMPORTS_ELECTRON.test(src), src).toBe(false);
    }
  });

  it('no file outside electron/shell/ imports electron', () => {
    const offenders = sourceFiles(ROOT)
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .filter((rel) => !allowed(rel) && rel !== 'test/foundation/electron-imports.test.ts')
      .filter((rel) => IMPORTS_ELECTRON.test(readFileSync(path.join(ROOT, rel), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the shell does import electron (the rule is not vacuous)', () => {
    const shell = sourceFiles(path.join(ROOT, 'electron/shell'));
    expect(shell.length).toBeGreaterThanOrEqual(3);
    expect(shell.filter((f) => IMPORTS_ELECTRON.test(readFileSync(f, 'utf8'))).length).toBeGreaterThanOrEqual(3);
  });
});
