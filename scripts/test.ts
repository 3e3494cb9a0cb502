// `npm test`: typecheck, lint, unit + integration (vitest), end-to-end (Playwright in
// Chromium against browser mode). Runs every stage even after a failure, then prints one
// plain line "N passed, N failed, N skipped" counting everything it ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRendererBuilt } from './renderer-build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

interface Tally { passed: number; failed: number; skipped: number }
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];

function run(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  process.stdout.write(`\n=== ${label} ===\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

/** A whole-tree check (typecheck, lint) counts as one test. */
function check(label: string, cmd: string, args: string[]): void {
  const ok = run(label, cmd, args) === 0;
  total[ok ? 'passed' : 'failed'] += 1;
  lines.push(`${label}: ${ok ? 'passed' : 'FAILED'}`);
}

check('typecheck (node side)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
check('typecheck (renderer)', bin('tsc'), ['-p', 'renderer/tsconfig.json', '--noEmit']);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);

// vitest: unit and integration
{
  const out = path.join(tmp, 'vitest.json');
  rmSync(out, { force: true });
  const code = run('unit + integration tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number;
    };
    // A file that fails to load has no tests of its own: count it as one failure.
    const loadFailures = code !== 0 && r.numFailedTests === 0 ? Math.max(1, r.numFailedTestSuites) : 0;
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests + loadFailures;
    total.skipped += r.numPendingTests + r.numTodoTests;
    lines.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests + loadFailures} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  } else {
    total.failed += 1;
    lines.push('vitest: FAILED to run');
  }
}

// Playwright: end-to-end in Chromium against browser mode (and the Electron test, skipped
// with its reason where the binary is absent).
{
  let built = true;
  try {
    ensureRendererBuilt(root, (l) => process.stdout.write(`${l}\n`));
  } catch {
    built = false;
  }
  const out = path.join(tmp, 'playwright.json');
  rmSync(out, { force: true });
  if (built) run('end-to-end tests (playwright)', bin('playwright'), ['test', '-c', 'test/e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  if (built && existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] };
    const errors = r.errors?.length ?? 0;
    total.passed += r.stats.expected + r.stats.flaky;
    total.failed += r.stats.unexpected + errors;
    total.skipped += r.stats.skipped;
    lines.push(`playwright: ${r.stats.expected + r.stats.flaky} passed, ${r.stats.unexpected + errors} failed, ${r.stats.skipped} skipped`);
  } else {
    total.failed += 1;
    lines.push(`playwright: FAILED to run${built ? '' : ' (renderer build failed)'}`);
  }
}

process.stdout.write(`\n${lines.join('\n')}\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = total.failed > 0 ? 1 : 0;
