// Migration crash scenario (issue 13): a child migrates a wallet database of an earlier
// schema (version 5 with a journal, the order outbox at its own version 3, compute tables)
// and is SIGKILLed at a seeded point: half the seeds at the K-th fault point of the
// procedure (integrity check, each backup step, backup verified, each migration step inside
// the transaction, commit), half after a seeded delay (anywhere, e.g. mid-statement).
// Afterwards the file is at the old or the new version, sound, with the same balances and
// queued rows; every named backup is complete, at the old version, with the same data; and
// the next start migrates it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATEST_VERSION } from '../../electron/services/db/migrations.js';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { checkBackup } from '../../electron/services/db/backup.js';
import { useWalletDbKey } from '../../electron/services/db/cipher.js';
import { integrityProblems, migratedCopy, openWalletDbReadOnly } from '../../electron/services/db/open.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { buildFixture, FIXTURE_ORDER_ID, FIXTURE_REDEMPTION_ID } from '../db/fixtures.js';
import { bundleChild, runChild } from './crash.js';
import { generateStream, modelBalances, rng } from './gen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FROM_VERSION = 5;
const EVENTS = 2500;
const FIXTURE_SEED = 77;

interface Template {
  file: string;
  child: string;
  /** Fault points of a whole run, and its duration from `ready` to exit. */
  points: number;
  run_ms: number;
}
const templates = new Map<boolean, Promise<Template>>();
/** The key of the encrypted runs (a plain v5 file in a folder that now has a key). */
const KEY = Buffer.alloc(32, 0x5c);
const SQLITE_MAGIC = 'SQLite format 3\0';
const isPlain = (file: string) => fs.readFileSync(file).subarray(0, 16).toString('latin1') === SQLITE_MAGIC;

function copyDb(from: string, to_dir: string): string {
  const to = path.join(to_dir, 'ledger.db');
  fs.copyFileSync(from, to);
  return to;
}

/** The fixture, built once per process, and one clean run over a copy to count its points. */
export function migrationTemplate(encrypt = false): Promise<Template> {
  const made = templates.get(encrypt);
  if (made) return made;
  const template = (async () => {
    const child = await bundleChild(path.join(here, 'migrate-child.ts'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-template-'));
    const file = path.join(dir, 'template.db');
    buildFixture(file, { ledger: FROM_VERSION, events: EVENTS, seed: FIXTURE_SEED, outbox: 3, compute: true });
    const probe = copyDb(file, fs.mkdtempSync(path.join(os.tmpdir(), 'mig-probe-')));
    const key_args = encrypt ? ['--key', KEY.toString('hex')] : [];
    let ready_ms = 0;
    let points = 0;
    const res = await runChild(child, ['--db', probe, '--kill-at', '0', ...key_args], (text) => {
      if (text.includes('ready')) ready_ms = performance.now();
      const m = /done (\d+)/.exec(text);
      if (m) points = Number(m[1]);
    });
    if (res.code !== 0 || points === 0) throw new Error(`the clean migration run failed: exit ${res.code} ${res.stderr}`);
    fs.rmSync(path.dirname(probe), { recursive: true, force: true });
    return { file, child, points, run_ms: performance.now() - ready_ms };
  })();
  templates.set(encrypt, template);
  return template;
}

const EXPECTED = modelBalances(generateStream({ seed: FIXTURE_SEED, count: EVENTS }).model);

/** The database at `file` (any version) holds the fixture's data, checked as this app reads it. */
function checkData(file: string, what: string): number {
  const ro = openWalletDbReadOnly(file);
  const copy = ro.version < LATEST_VERSION ? migratedCopy(ro.db) : null;
  try {
    const problems = integrityProblems(ro.db, 5);
    if (problems.length > 0) throw new Error(`${what}: integrity_check: ${problems.join('; ')}`);
    const ledger = openLedger({ path: file, database: copy ?? ro.db });
    const report = ledger.verify();
    if (!report.ok) throw new Error(`${what}: verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const b = ledger.walletBalances();
    if (b.usd !== EXPECTED.usd || b.token !== EXPECTED.token || b.credits !== EXPECTED.credits || b.entry_count !== EVENTS) {
      throw new Error(`${what}: balances ${JSON.stringify(b)} differ from ${JSON.stringify(EXPECTED)}`);
    }
    const db = copy ?? ro.db;
    if (db.prepare('SELECT client_order_id FROM order_outbox').pluck().get() !== FIXTURE_ORDER_ID) throw new Error(`${what}: the queued order is gone`);
    if (db.prepare('SELECT request_id FROM redemptions').pluck().get() !== FIXTURE_REDEMPTION_ID) throw new Error(`${what}: the pending redemption is gone`);
    return ro.version;
  } finally {
    copy?.close();
    ro.close();
  }
}

export interface MigrationCrashOutcome {
  killed: boolean;
  /** The file's version right after the kill. */
  version_after_kill: number;
  /** The file right after the kill was encrypted (runs with a key). */
  encrypted_after_kill: boolean;
  backups: number;
}

/** `kill_at` overrides the seeded choice with a fault point (1..points). */
export async function runMigrationCrash(seed: number, opts: { kill_at?: number; encrypt?: boolean } = {}): Promise<MigrationCrashOutcome> {
  const encrypt = opts.encrypt ?? false;
  const t = await migrationTemplate(encrypt);
  const r = rng(seed ^ 0x3a7e);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mig-crash-${seed}-`));
  try {
    const file = copyDb(t.file, dir);
    if (encrypt) useWalletDbKey(dir, KEY);
    const key_args = encrypt ? ['--key', KEY.toString('hex')] : [];
    const by_point = opts.kill_at !== undefined || seed % 2 === 1;
    const kill_at = opts.kill_at ?? (by_point ? 1 + Math.floor(r() * t.points) : 0);
    const delay_ms = r() * t.run_ms * 1.2;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const res = await runChild(t.child, ['--db', file, '--kill-at', String(kill_at), ...key_args], (text, kill) => {
      if (!by_point && text.includes('ready')) timer = setTimeout(kill, delay_ms);
    });
    clearTimeout(timer);
    const killed = res.signal === 'SIGKILL';
    if (!killed && res.code !== 0) throw new Error(`child exited ${res.code}: ${res.stderr}`);
    // Right after the kill: the old or the new version, sound, with all its data.
    const version_after_kill = checkData(file, 'after the kill');
    const plain_after_kill = isPlain(file);
    if (!encrypt && !plain_after_kill) throw new Error('a run without a key left an encrypted file');
    if (version_after_kill !== FROM_VERSION && version_after_kill !== LATEST_VERSION) throw new Error(`after the kill the file is at version ${version_after_kill}`);
    const backups_dir = path.join(dir, 'backups');
    const named = fs.existsSync(backups_dir) ? fs.readdirSync(backups_dir).filter((f) => f.endsWith('.db')) : [];
    if (version_after_kill === LATEST_VERSION && named.length === 0) throw new Error('migrated without a named backup');
    for (const b of named) {
      if (encrypt && isPlain(path.join(backups_dir, b))) throw new Error(`backup ${b} is not encrypted`);
      checkBackup(path.join(backups_dir, b), FROM_VERSION);
      checkData(path.join(backups_dir, b), `backup ${b}`);
    }
    // The next start: migrated (after its own backup when still old), sound, same data.
    const next = await migrateWalletDb(file);
    if (next.to !== LATEST_VERSION) throw new Error(`the next start left version ${next.to}`);
    if (checkData(file, 'after the next start') !== LATEST_VERSION) throw new Error('not migrated by the next start');
    if (encrypt && isPlain(file)) throw new Error('not encrypted by the next start');
    return { killed, version_after_kill, encrypted_after_kill: !isPlain(file) && !plain_after_kill, backups: named.length };
  } finally {
    useWalletDbKey(dir, undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
