// Issue 13, item 4: a damaged or missing ledger is never recreated or hidden. Each case checks
// the error names the file and that the bytes on disk are exactly what they were.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLedger, LATEST_VERSION } from '../../electron/services/ledger/index.js';
import { WalletFileError, FOLDER_RECORD } from '../../electron/services/db/file.js';
import { prepareLedgerFile } from '../../electron/app/ledger-file.js';
import { startWalletApp } from '../../electron/app/wallet-app.js';
import { lockDataFolder } from '../../electron/services/db/lock.js';
import { run as verify } from '../../electron/cli/commands/verify.js';
import { generateStream } from '../sim/gen.js';
import { captureOutput } from '../ledger/helpers.js';
import { buildFixture, damageIndexCopy } from './fixtures.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cw-files-'));
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function ledgerWith(events: number): { dir: string; file: string } {
  const dir = tmp();
  const file = path.join(dir, 'ledger.db');
  const l = openLedger({ path: file });
  l.ingest(generateStream({ seed: 7, count: events }).events);
  l.close();
  return { dir, file };
}

function thrown(f: () => unknown): WalletFileError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(WalletFileError);
    return err as WalletFileError;
  }
  throw new Error('expected a WalletFileError');
}

afterEach(() => vi.restoreAllMocks());

describe('a missing ledger is created only on the first run of a data folder', () => {
  it('creates it on the first run and records the folder; refuses to recreate it once lost', () => {
    const { dir, file } = ledgerWith(10);
    expect(JSON.parse(readFileSync(path.join(dir, FOLDER_RECORD), 'utf8'))).toMatchObject({ files: { 'ledger.db': 'present' } });
    rmSync(file);
    const e = thrown(() => openLedger({ path: file }));
    expect(e.problem).toBe('missing');
    expect(e.message).toContain(file);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('ledger.db'))).toEqual([]);
  });

  it('creates a new one after the app archived the old one on purpose', () => {
    const { dir, file } = ledgerWith(10);
    writeFileSync(`${file}.identity`, 'A');
    expect(prepareLedgerFile(file, 'A').archived_to).toBeNull();
    const { archived_to } = prepareLedgerFile(file, 'B');
    expect(archived_to).not.toBeNull();
    const l = openLedger({ path: file });
    expect(l.cursorSeq()).toBe(0);
    l.close();
    expect(JSON.parse(readFileSync(path.join(dir, FOLDER_RECORD), 'utf8'))).toMatchObject({ files: { 'ledger.db': 'present' } });
  });

  it('adopts a ledger from an earlier version that kept no record', () => {
    const { dir, file } = ledgerWith(10);
    rmSync(path.join(dir, FOLDER_RECORD));
    openLedger({ path: file }).close();
    expect(existsSync(path.join(dir, FOLDER_RECORD))).toBe(true);
  });
});

describe('an empty, truncated or damaged ledger is an error naming it, and is left as it is', () => {
  it('empty: refused by the app and by verify, still 0 bytes, nothing beside it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'ledger.db');
    writeFileSync(file, '');
    const e = thrown(() => openLedger({ path: file }));
    expect(e.problem).toBe('empty');
    expect(e.message).toMatch(new RegExp(`^${file}: the file is empty`));
    const c = captureOutput();
    expect(await verify(['--data-dir', dir])).toBe(1);
    expect(c.err()).toContain(`${file}: the file is empty`);
    expect(c.out()).not.toMatch(/hold/);
    expect(statSync(file).size).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['ledger.db']);
  });

  it('empty: the wallet app does not start, says which file, and frees the folder', async () => {
    const dir = tmp();
    await (await startWalletApp({ data_dir: dir, host: 'browser', app_version: '0' })).close();
    writeFileSync(path.join(dir, 'ledger.db'), '');
    await expect(startWalletApp({ data_dir: dir, host: 'browser', app_version: '0' })).rejects.toThrow(`${path.join(dir, 'ledger.db')}: the file is empty`);
    expect(statSync(path.join(dir, 'ledger.db')).size).toBe(0);
    lockDataFolder(dir, { host: 'cli', purpose: 'test' }).release();
  });

  it('truncated: refused with the sizes, bytes unchanged', async () => {
    const { dir, file } = ledgerWith(2000);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(4 * 16384);
    truncateSync(file, size - 16384);
    const before = digest(file);
    const e = thrown(() => openLedger({ path: file }));
    expect(e.problem).toBe('truncated');
    expect(e.message).toContain(`its header says ${size}`);
    truncateSync(file, size - 16384 - 100); // a torn page
    expect(thrown(() => openLedger({ path: file })).problem).toBe('truncated');
    const c = captureOutput();
    expect(await verify(['--data-dir', dir])).toBe(1);
    expect(c.err()).toContain(`${file}: the file is truncated`);
    expect(statSync(file).size).toBe(size - 16384 - 100);
    expect(before).not.toBe(digest(file)); // (the second truncation)
  });

  it('not SQLite: refused by name', () => {
    const dir = tmp();
    const file = path.join(dir, 'ledger.db');
    writeFileSync(file, Buffer.alloc(32768, 7));
    expect(thrown(() => openLedger({ path: file })).problem).toBe('not_sqlite');
    expect(readFileSync(file).equals(Buffer.alloc(32768, 7))).toBe(true);
  });

  it('4 KiB of garbage in the middle: verify runs the full integrity_check and reports it; the file is not changed', async () => {
    const { dir, file } = ledgerWith(3000);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    writeSync(fd, garbage, 0, garbage.length, Math.floor(size / 2 / 16384) * 16384 + 8192);
    closeSync(fd);
    const before = digest(file);
    const c = captureOutput();
    expect(await verify(['--data-dir', dir])).toBe(1);
    expect(c.err()).toContain(`${file}: SQLite integrity_check failed`);
    expect(digest(file)).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('ledger.db')).sort()).toEqual(['ledger.db']);
  });
});

describe('verify never migrates the file it checks', () => {
  it('checks an older-schema ledger in a migrated copy; the file keeps its version and bytes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'ledger.db');
    buildFixture(file, { ledger: 5, events: 50, outbox: 2 }); // a WAL-mode file, as the app leaves it
    const before = digest(file);
    const c = captureOutput();
    expect(await verify(['--data-dir', dir])).toBe(0);
    expect(c.out()).toMatch(/schema version 5: checked as this app reads it, the file itself was not migrated/);
    expect(c.out()).toMatch(/all hold/);
    expect(digest(file)).toBe(before);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(5);
    after.close();
    expect(LATEST_VERSION).toBeGreaterThan(5);
  });
});

describe('verify reads every page: damage quick_check misses', () => {
  it('an index entry changed in place (page structure intact) fails integrity_check; verify says so', async () => {
    const { dir, file } = ledgerWith(3000);
    const ro = new Database(file, { readonly: true });
    const event_id = ro.prepare('SELECT event_id FROM entries WHERE seq = 1500').pluck().get() as string;
    ro.close();
    damageIndexCopy(file, event_id); // the event_id index's copy, not the table's
    const check = new Database(file, { readonly: true });
    expect(check.pragma('quick_check', { simple: true })).toBe('ok'); // what verify ran before
    check.close();
    const before = digest(file);
    const c = captureOutput();
    expect(await verify(['--data-dir', dir])).toBe(1);
    expect(c.err()).toContain(`${file}: SQLite integrity_check failed`);
    expect(digest(file)).toBe(before);
  });
});
