// What is on disk before SQLite sees it. SQLite turns a zero-length file into a new empty
// database and reads a truncated or damaged one until it trips: the wallet would show an
// empty ledger, and its next write would overwrite what is left. So a database file is
// checked first (header, page size, length; a file cut short by a crash mid-checkpoint is
// whole when its write-ahead log still holds the missing pages, see wal.ts), and a missing one is created only on the data
// folder's first run (or when the app archived the old ledger on purpose): data-folder.json
// records that the folder was initialised and which database files it holds.
import { existsSync, openSync, readSync, closeSync, fstatSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { walletDbKeyFor } from './cipher.js';
import { walHoldsPages } from './wal.js';

export type WalletFileProblem = 'missing' | 'empty' | 'not_sqlite' | 'truncated' | 'corrupt' | 'migration_failed' | 'wrong_key' | 'key_missing';

/** A database file the wallet will not use as it is. Names the file; nothing was changed. */
export class WalletFileError extends Error {
  override name = 'WalletFileError';
  constructor(
    readonly file: string,
    readonly problem: WalletFileProblem,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

export interface DbFileState {
  exists: boolean;
  size_bytes: number;
  page_size: number;
  /** Pages the header says the file holds (0 when the header's count is not valid). */
  header_pages: number;
  /** No plain SQLite header, in a folder that has a key: SQLite checks it once keyed (every
   *  page carries an HMAC, so damage is found when the page is read). */
  encrypted: boolean;
}

/** The smallest page size SQLite writes: an encrypted file is a whole number of them. */
const MIN_PAGE_BYTES = 512;

/** Checks a database file without opening it in SQLite: missing is reported, damage thrown. */
export function inspectDbFile(file: string): DbFileState {
  if (!existsSync(file)) return { exists: false, size_bytes: 0, page_size: 0, header_pages: 0, encrypted: false };
  const fd = openSync(file, 'r');
  try {
    const size_bytes = fstatSync(fd).size;
    if (size_bytes === 0) throw new WalletFileError(file, 'empty', 'the file is empty (0 bytes); it was not changed. Restore it from a backup, or move it away to start a new ledger.');
    const header = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, header, 0, HEADER_BYTES, 0);
    if (read < HEADER_BYTES || !header.subarray(0, 16).equals(SQLITE_MAGIC)) {
      if (read === HEADER_BYTES && walletDbKeyFor(file) !== undefined) {
        if (size_bytes % MIN_PAGE_BYTES !== 0) {
          throw new WalletFileError(file, 'truncated', `the encrypted file is truncated (${size_bytes} bytes, not a whole number of pages); it was not changed. Restore it from a backup.`);
        }
        return { exists: true, size_bytes, page_size: 0, header_pages: 0, encrypted: true };
      }
      throw new WalletFileError(file, 'not_sqlite', `not a SQLite database (${size_bytes} bytes, no SQLite header; or an encrypted one opened without its key); it was not changed. Restore it from a backup.`);
    }
    const raw_page = header.readUInt16BE(16);
    const page_size = raw_page === 1 ? 65536 : raw_page;
    if (page_size < 512 || (page_size & (page_size - 1)) !== 0) {
      throw new WalletFileError(file, 'corrupt', `the SQLite header is damaged (page size ${raw_page}); it was not changed. Restore it from a backup.`);
    }
    // The header's page count is valid when its change counter matches "version valid for".
    const valid = header.readUInt32BE(24) === header.readUInt32BE(92);
    const header_pages = valid ? header.readUInt32BE(28) : 0;
    if (size_bytes % page_size !== 0 || (size_bytes < header_pages * page_size && !walHoldsPages(file, page_size, size_bytes / page_size + 1, header_pages))) {
      throw new WalletFileError(
        file,
        'truncated',
        `the file is truncated (${size_bytes} bytes; ${header_pages > 0 ? `its header says ${header_pages * page_size}` : `not a whole number of ${page_size}-byte pages`}); it was not changed. Restore it from a backup.`,
      );
    }
    return { exists: true, size_bytes, page_size, header_pages, encrypted: false };
  } finally {
    closeSync(fd);
  }
}

export const FOLDER_RECORD = 'data-folder.json';
const FOLDER_RECORD_BYTES_MAX = 64 * 1024;

const FolderRecord = z.strictObject({
  initialised_at: z.iso.datetime(),
  /** Database files by name: 'present' once created; 'to_create' when the app may create it anew. */
  files: z.record(z.string().regex(/^[\w.-]{1,64}$/), z.enum(['present', 'to_create'])),
});
type FolderRecord = z.infer<typeof FolderRecord>;

function recordPath(file: string): string {
  return path.join(path.dirname(file), FOLDER_RECORD);
}

function readRecord(file: string): FolderRecord | null {
  const p = recordPath(file);
  if (!existsSync(p)) return null;
  const text = readFileSync(p, 'utf8');
  let parsed: ReturnType<typeof FolderRecord.safeParse> | null = null;
  try {
    if (text.length <= FOLDER_RECORD_BYTES_MAX) parsed = FolderRecord.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new WalletFileError(p, 'corrupt', 'the data folder record is damaged; it was not changed. Restore it, or delete it if the database files beside it are all there.');
  return parsed.data;
}

function writeRecord(file: string, record: FolderRecord): void {
  const p = recordPath(file);
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, p);
}

function setFileState(file: string, state: 'present' | 'to_create', now: Date): void {
  const record = readRecord(file) ?? { initialised_at: now.toISOString(), files: {} };
  if (record.files[path.basename(file)] === state) return;
  writeRecord(file, { ...record, files: { ...record.files, [path.basename(file)]: state } });
}

/**
 * Whether a missing database file may be created: on the folder's first run (no record, or a
 * record that does not list the file) or after allowRecreate(). Otherwise the file was lost,
 * and a new empty one would hide that.
 */
export function mayCreate(file: string): boolean {
  const state = readRecord(file)?.files[path.basename(file)];
  return state === undefined || state === 'to_create';
}

/** Records that `file` exists (after creating it, or on the first start of a version that keeps the record). */
export function recordPresent(file: string, now: Date = new Date()): void {
  setFileState(file, 'present', now);
}

/** The app is about to move `file` away on purpose (archive): the next open may create it anew. */
export function allowRecreate(file: string, now: Date = new Date()): void {
  setFileState(file, 'to_create', now);
}
