// A crash during a WAL checkpoint leaves the database file shorter than its header says, with
// the missing pages still in the log (CI's migrate-crash seed 10 caught the wallet refusing
// such a file as truncated). Built here for real: a checkpointed file cut back to its
// pre-checkpoint length beside the log it was checkpointed from, which is what the disk holds
// when the checkpoint wrote page 1 and was killed before writing the pages past the old end.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WalletFileError, inspectDbFile } from '../../electron/services/db/file.js';
import { openWalletDbReadOnly } from '../../electron/services/db/open.js';
import { walChecksum, walHoldsPages } from '../../electron/services/db/wal.js';

const PAGE = 4096;
const ROWS_BEFORE = 50;
const ROWS_AFTER = 600;

interface CrashState {
  file: string;
  pages_on_disk: number;
  header_pages: number;
}

/** A file whose checkpoint was cut short after page 1, with its log beside it. */
function interruptedCheckpoint(): CrashState {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-wal-'));
  const src = path.join(dir, 'src.db');
  const db = new Database(src);
  db.pragma(`page_size = ${PAGE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const fill = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(`row ${i} `.padEnd(300, String.fromCharCode(97 + (i % 26))));
  });
  fill(0, ROWS_BEFORE);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages_on_disk = statSync(src).size / PAGE;
  fill(ROWS_BEFORE, ROWS_AFTER); // one transaction: one commit frame, at the end of the log
  const file = path.join(dir, 'ledger.db');
  copyFileSync(`${src}-wal`, `${file}-wal`);
  db.pragma('wal_checkpoint(PASSIVE)'); // copies the pages; the log itself is left as it was
  copyFileSync(src, file);
  db.close();
  const header_pages = readFileSync(file).readUInt32BE(28);
  expect(header_pages).toBeGreaterThan(pages_on_disk + 20);
  truncateSync(file, pages_on_disk * PAGE);
  return { file, pages_on_disk, header_pages };
}

function problem(file: string): string {
  try {
    inspectDbFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(WalletFileError);
    return (err as WalletFileError).problem;
  }
  return 'none';
}

/** Rewrites the log's header salt and its checksum, as a restarted log would have them. */
function resalt(wal_file: string): void {
  const bytes = readFileSync(wal_file);
  bytes.writeUInt32BE((bytes.readUInt32BE(16) + 1) >>> 0, 16);
  const [c1, c2] = walChecksum(bytes.subarray(0, 24), [0, 0], bytes.readUInt32BE(0) === 0x377f0683);
  bytes.writeUInt32BE(c1, 24);
  bytes.writeUInt32BE(c2, 28);
  writeFileSync(wal_file, bytes);
}

describe('a file cut short by a crash mid-checkpoint', () => {
  it('is whole when its log holds the missing pages: accepted, and SQLite reads every row', () => {
    const s = interruptedCheckpoint();
    expect(walHoldsPages(s.file, PAGE, s.pages_on_disk + 1, s.header_pages)).toBe(true);
    expect(inspectDbFile(s.file)).toMatchObject({ exists: true, page_size: PAGE, header_pages: s.header_pages, size_bytes: s.pages_on_disk * PAGE });
    const ro = openWalletDbReadOnly(s.file);
    try {
      expect(ro.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: ROWS_AFTER });
      expect(ro.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      ro.close();
    }
  });

  it('is truncated without its log, and the file is left as it was', () => {
    const s = interruptedCheckpoint();
    rmSync(`${s.file}-wal`);
    expect(problem(s.file)).toBe('truncated');
    expect(statSync(s.file).size).toBe(s.pages_on_disk * PAGE);
  });

  it('is truncated when the log cannot be trusted: a damaged frame, another generation, another page size', () => {
    const damaged = interruptedCheckpoint();
    const wal = readFileSync(`${damaged.file}-wal`);
    wal.writeUInt8(wal.readUInt8(32 + 24 + 100) ^ 0xff, 32 + 24 + 100); // the first frame's page data: its checksum, and every later one, fails
    writeFileSync(`${damaged.file}-wal`, wal);
    expect(problem(damaged.file)).toBe('truncated');

    const other = interruptedCheckpoint();
    resalt(`${other.file}-wal`);
    expect(problem(other.file)).toBe('truncated');

    const sized = interruptedCheckpoint();
    expect(walHoldsPages(sized.file, PAGE * 2, sized.pages_on_disk + 1, sized.header_pages)).toBe(false);
  });

  it('is truncated when the last commit frame is missing (a log cut mid-transaction)', () => {
    const s = interruptedCheckpoint();
    const wal_file = `${s.file}-wal`;
    truncateSync(wal_file, statSync(wal_file).size - (24 + PAGE));
    expect(problem(s.file)).toBe('truncated');
  });

  it('still needs whole pages: a torn last page is truncated whatever the log holds', () => {
    const s = interruptedCheckpoint();
    truncateSync(s.file, s.pages_on_disk * PAGE - 100);
    expect(problem(s.file)).toBe('truncated');
  });

  it('walChecksum refuses a length that is not whole word pairs', () => {
    expect(() => walChecksum(Buffer.alloc(12), [0, 0], false)).toThrow(/not a multiple of 8/);
  });
});
