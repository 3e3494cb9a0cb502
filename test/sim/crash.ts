// Crash-safety scenario: a child process ingests a seeded stream and is SIGKILLed at seeded
// points (mid-transaction), then restarted, until it finishes. Afterwards: no lost and no
// duplicated entry, balances equal the independent model, and verify() finds nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openLedger } from '../../electron/services/ledger/ledger.js';
import { generateStream, modelBalances, rng } from './gen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
/** Kills per scenario (then one clean run). */
export const CRASH_KILLS_MAX = 3;
const CHILD_TIMEOUT_MS = 30_000;

const bundles = new Map<string, Promise<string>>();

/** Bundles a child script once per process into one CJS file, so each spawn costs a plain
 *  `node` start (the SQLite packages stay external, found via NODE_PATH). */
export function bundleChild(entry: string): Promise<string> {
  let built = bundles.get(entry);
  if (!built) {
    built = (async () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crash-child-')), 'child.cjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile: out,
        external: ['better-sqlite3', 'better-sqlite3-multiple-ciphers'],
        minify: true,
        logLevel: 'error',
      });
      return out;
    })();
    bundles.set(entry, built);
  }
  return built;
}

/** The ingestion crash child, bundled. */
export function buildCrashChild(): Promise<string> {
  return bundleChild(path.join(here, 'crash-child.ts'));
}

export function runChild(child: string, args: string[], on_stdout?: (text: string, kill: () => void) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], {
      env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    p.stdout.on('data', (d: Buffer) => on_stdout?.(d.toString(), () => p.kill('SIGKILL')));
    const timer = setTimeout(() => p.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

export interface CrashOutcome {
  kills: number;
  count: number;
}

export async function runCrashScenario(seed: number, opts: { count_max?: number; kills_max?: number } = {}): Promise<CrashOutcome> {
  const kills_max = Math.min(opts.kills_max ?? CRASH_KILLS_MAX, CRASH_KILLS_MAX);
  const child = await buildCrashChild();
  const r = rng(seed ^ 0x5eed);
  const count = 50 + Math.floor(r() * ((opts.count_max ?? 600) - 50));
  const chunk = 1 + Math.floor(r() * 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `crash-${seed}-`));
  const db = path.join(dir, 'ledger.db');
  let kills = 0;
  try {
    for (let run = 0; run <= kills_max; run++) {
      const last = run === kills_max;
      const kill_at = last ? 0 : 1 + Math.floor(r() * count);
      const res = await runChild(child, ['--db', db, '--seed', String(seed), '--count', String(count), '--chunk', String(chunk), '--kill-at', String(kill_at)]);
      if (res.signal === 'SIGKILL') {
        if (last) throw new Error('final clean run was killed (timeout?)');
        kills += 1;
        continue;
      }
      if (res.code !== 0) throw new Error(`child exited ${res.code}: ${res.stderr}`);
      break; // finished before reaching kill_at
    }
    const { model } = generateStream({ seed, count });
    const ledger = openLedger({ path: db });
    try {
      const report = ledger.verify();
      if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problems)}`);
      const b = ledger.walletBalances();
      const want = modelBalances(model);
      if (b.cursor_seq !== count || b.entry_count !== count || report.quarantined !== 0) {
        throw new Error(`lost or duplicated entries: cursor ${b.cursor_seq}, entries ${b.entry_count}, quarantined ${report.quarantined}, want ${count}`);
      }
      if (b.usd !== want.usd || b.token !== want.token || b.credits !== want.credits) {
        throw new Error(`balances ${JSON.stringify(b)} differ from model ${JSON.stringify(want)}`);
      }
    } finally {
      ledger.close();
    }
    return { kills, count };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
