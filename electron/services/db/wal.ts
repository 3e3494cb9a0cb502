// Which pages a database's write-ahead log holds, read the way SQLite's WAL recovery reads it.
// A crash during a checkpoint can leave the database file shorter than its header says:
// SQLite copies the log's pages into the file in ascending page order, page 1 (with the new
// page count) first, and the file only grows as the higher pages are written. Those pages
// are still in the log, and SQLite reads them from there on the next open. So a short file
// is damage only when its log cannot supply the missing pages (file.ts asks here).
// Format: https://www.sqlite.org/fileformat2.html#walformat
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** Magic with little-endian (…82) or big-endian (…83) checksum words. */
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
/** A log longer than this is not read (SQLite's own default keeps it near 4 MiB). */
export const WAL_BYTES_MAX = 2 * 1024 * 1024 * 1024;
/** Frames read per system call. */
const FRAMES_PER_READ = 64;

type Checksum = [number, number];

/** SQLite's WAL checksum over `bytes` (a multiple of 8), continuing from `seed`. */
export function walChecksum(bytes: Buffer, seed: Checksum, big_endian: boolean): Checksum {
  if (bytes.length % 8 !== 0) throw new Error(`walChecksum: ${bytes.length} bytes is not a multiple of 8`);
  let s1 = seed[0];
  let s2 = seed[1];
  for (let i = 0; i < bytes.length; i += 8) {
    const w0 = big_endian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const w1 = big_endian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s1 = (s1 + w0 + s2) >>> 0;
    s2 = (s2 + w1 + s1) >>> 0;
  }
  return [s1, s2];
}

interface WalHeader {
  big_endian: boolean;
  page_size: number;
  salt1: number;
  salt2: number;
  checksum: Checksum;
}

function readWalHeader(bytes: Buffer): WalHeader | null {
  const magic = bytes.readUInt32BE(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return null;
  const big_endian = magic === WAL_MAGIC_BE;
  const checksum = walChecksum(bytes.subarray(0, 24), [0, 0], big_endian);
  if (checksum[0] !== bytes.readUInt32BE(24) || checksum[1] !== bytes.readUInt32BE(28)) return null;
  const page_size = bytes.readUInt32BE(8);
  return { big_endian, page_size, salt1: bytes.readUInt32BE(16), salt2: bytes.readUInt32BE(20), checksum };
}

/**
 * True when `db_file + '-wal'` holds, in committed frames SQLite will recover, every page
 * numbered from `first_page` to `last_page` (1-based, inclusive). Reads the log in chunks;
 * never writes.
 */
export function walHoldsPages(db_file: string, page_size: number, first_page: number, last_page: number): boolean {
  if (!(first_page >= 1 && last_page >= first_page)) throw new Error(`walHoldsPages: bad page range ${first_page}..${last_page}`);
  const wal_file = `${db_file}-wal`;
  if (!existsSync(wal_file)) return false;
  const fd = openSync(wal_file, 'r');
  try {
    const wal_bytes = fstatSync(fd).size;
    const frame_bytes = FRAME_HEADER_BYTES + page_size;
    const needed = last_page - first_page + 1;
    if (wal_bytes < WAL_HEADER_BYTES || wal_bytes > WAL_BYTES_MAX) return false;
    if (Math.floor((wal_bytes - WAL_HEADER_BYTES) / frame_bytes) < needed) return false;
    const head = Buffer.alloc(WAL_HEADER_BYTES);
    if (readSync(fd, head, 0, WAL_HEADER_BYTES, 0) !== WAL_HEADER_BYTES) return false;
    const header = readWalHeader(head);
    if (header === null || header.page_size !== page_size) return false;
    return framesHold(fd, wal_bytes, header, first_page, needed);
  } finally {
    closeSync(fd);
  }
}

/** Walks the frames as recovery does: stop at the first bad salt or checksum; count only
 *  frames up to the last commit frame. */
function framesHold(fd: number, wal_bytes: number, header: WalHeader, first_page: number, needed: number): boolean {
  const frame_bytes = FRAME_HEADER_BYTES + header.page_size;
  // The frame (1-based) where each needed page first appears; 0 = not yet seen.
  const first_frame = new Uint32Array(needed);
  const chunk = Buffer.alloc(frame_bytes * FRAMES_PER_READ);
  let checksum = header.checksum;
  let frame = 0;
  let last_commit = 0;
  let offset = WAL_HEADER_BYTES;
  while (offset + frame_bytes <= wal_bytes) {
    const got = readSync(fd, chunk, 0, Math.min(chunk.length, wal_bytes - offset), offset);
    const frames = Math.floor(got / frame_bytes);
    if (frames === 0) break;
    for (let i = 0; i < frames; i++) {
      const f = chunk.subarray(i * frame_bytes, (i + 1) * frame_bytes);
      const page = f.readUInt32BE(0);
      if (page === 0 || f.readUInt32BE(8) !== header.salt1 || f.readUInt32BE(12) !== header.salt2) return allSeen(first_frame, last_commit);
      checksum = walChecksum(f.subarray(0, 8), checksum, header.big_endian);
      checksum = walChecksum(f.subarray(FRAME_HEADER_BYTES), checksum, header.big_endian);
      if (checksum[0] !== f.readUInt32BE(16) || checksum[1] !== f.readUInt32BE(20)) return allSeen(first_frame, last_commit);
      frame += 1;
      const slot = page - first_page;
      if (slot >= 0 && slot < needed && first_frame[slot] === 0) first_frame[slot] = frame;
      if (f.readUInt32BE(4) !== 0) last_commit = frame;
    }
    offset += frames * frame_bytes;
  }
  return allSeen(first_frame, last_commit);
}

function allSeen(first_frame: Uint32Array, last_commit: number): boolean {
  if (last_commit === 0) return false;
  for (const f of first_frame) if (f === 0 || f > last_commit) return false;
  return true;
}
