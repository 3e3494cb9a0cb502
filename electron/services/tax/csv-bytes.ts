// Reads the data lines of a transactions CSV without quotes straight from its UTF-8 bytes into an
// EventCollector: fields are found and checked as bytes, and a plain row (buy, sell, redeem or
// income; ASCII; exact amounts in the fast range; no basis, no lots) becomes an event without a
// string per field, a transaction object or an event object. Every other line, and every line
// with an error, is decoded and read by the general path (readCsv, csvTransaction, prepareOne),
// so the events, the order and the first error are those of the text reader.
//
// Why: measured on a 1M-row file, the text path spent ~1.3 s of CPU after the reader itself
// (~0.3 s): seven strings and two objects per row, their garbage, and checks by character
// (docs/BENCHMARKS.md, "the CSV byte reader").
import { csvColumns, csvTransaction, readCsv, type CsvColumns } from './csv.js';
import { parseTimestampBytes, type DayOf } from './dates.js';
import { TYPE_CODE, type PlainRow } from './ev-store.js';
import { scanDecimalBytes } from './fixed.js';
import { LIMITS } from './types.js';
import { fastBase, fastCents, fastFee, fastOut, fastQty, type EventCollector } from './prepare.js';

/** Line feed and quote: the bytes csv-split.ts also looks for. */
export const LF = 10, QUOTE = 0x22;
const CR = 13, TAB = 9, SPACE = 32, COMMA = 44;
/** Lines read as plain rows and by the general path (diagnostics and tests). */
export const csvByteCounts = { plain: 0, general: 0 };

/** More fields than any header can have (eight known columns): a longer line takes the general path. */
const FIELDS_MAX = 16;

/** bytes[from, to) as a Buffer over the same memory (no copy). */
export function bufferOf(bytes: Uint8Array, from = 0, to = bytes.length): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from);
}

/** Length of a UTF-8 byte-order mark at the start of `bytes` (3), or 0. */
export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * b[from, to) as a string, one character per byte (ASCII here). Buffer's own latin1Slice when
 * present: toString('latin1', from, to) checks its arguments in JavaScript first, which cost
 * more than the copy for a short id (measured: ~0.1 µs a row, a tenth of the reader's time).
 */
const latin1 = (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === undefined
  ? (buf: Buffer, from: number, to: number): string => buf.toString('latin1', from, to)
  : (buf: Buffer, from: number, to: number): string => (buf as unknown as { latin1Slice(from: number, to: number): string }).latin1Slice(from, to);

/** The columns of a header line (checked as the text reader checks them); null when the line is blank. */
export function csvColumnsOfLine(header: string): CsvColumns | null {
  let cols: CsvColumns | null = null;
  readCsv(header, (rec) => {
    cols = csvColumns(rec.fields, rec.line);
  });
  return cols;
}

/** A row's type by its bytes: the exact lowercase name of buy, sell, redeem or income; -1 for any other. */
function typeCode(b: Uint8Array, from: number, to: number): number {
  const n = to - from, c0 = b[from];
  if (n === 3 && c0 === 98 && b[from + 1] === 117 && b[from + 2] === 121) return TYPE_CODE.buy;
  if (n === 4 && c0 === 115 && b[from + 1] === 101 && b[from + 2] === 108 && b[from + 3] === 108) return TYPE_CODE.sell;
  if (n === 6 && c0 === 114 && b[from + 1] === 101 && b[from + 2] === 100 && b[from + 3] === 101 && b[from + 4] === 101 && b[from + 5] === 109) return TYPE_CODE.redeem;
  if (n === 6 && c0 === 105 && b[from + 1] === 110 && b[from + 2] === 99 && b[from + 3] === 111 && b[from + 4] === 109 && b[from + 5] === 101) return TYPE_CODE.income;
  return -1;
}

/** Reads one file's lines; one per file part (the row object and the field bounds are reused). */
class ByteLineReader {
  private readonly row: PlainRow = { id: '', hash: 0, row: 0, type: 0, ms: 0, day: 0, qty: 0, cents: 0, income: 0, price: '' };
  /** Field k is [start[k], stop[k]). */
  private readonly start = new Int32Array(FIELDS_MAX);
  private readonly stop = new Int32Array(FIELDS_MAX);
  private readonly buf: Buffer;

  constructor(private readonly b: Uint8Array, private readonly cols: CsvColumns, private readonly c: EventCollector, private readonly dayOf: DayOf) {
    if (cols.count > FIELDS_MAX) throw new Error(`csv bytes: ${cols.count} columns (at most ${FIELDS_MAX})`);
    this.buf = bufferOf(b);
  }

  /** Lines [from, to) of the file, the first being line `firstLine` (1-based, header = 1). */
  read(from: number, to: number, firstLine: number): void {
    const b = this.b;
    let line = firstLine;
    let pos = from;
    let plain = 0, general = 0;
    try {
      while (pos < to) {
        let end = this.buf.indexOf(LF, pos);
        if (end < 0 || end > to) end = to;
        const lineEnd = end > pos && b[end - 1] === CR ? end - 1 : end;
        if (this.plain(pos, lineEnd, line)) plain++;
        else {
          general++;
          this.general(pos, end, line);
        }
        pos = end + 1;
        line++;
      }
    } finally {
      csvByteCounts.general += general;
      csvByteCounts.plain += plain;
    }
  }

  /** The general path for one line (no line feed in [from, to)). */
  private general(from: number, to: number, line: number): void {
    const text = this.buf.toString('utf8', from, to);
    if (text.includes('"')) throw new Error(`csv bytes: a quote on line ${line} (files with quotes are read as text)`);
    readCsv(text, (rec) => this.c.add(csvTransaction(rec.fields, this.cols, line)), true);
  }

  /** Splits [from, to) at commas; false when a byte is not ASCII, a quote, or the field count differs from the header's. */
  private fields(from: number, to: number): boolean {
    const b = this.b, start = this.start, stop = this.stop, count = this.cols.count;
    let k = 0;
    start[0] = from;
    for (let i = from; i < to; i++) {
      const c = b[i] as number;
      if (c === COMMA) {
        stop[k] = i;
        if (++k >= count) return false;
        start[k] = i + 1;
      } else if (c >= 128 || c === QUOTE) return false;
    }
    stop[k] = to;
    return k === count - 1;
  }

  /** Whether field `k` is given as is: no space or tab at either end (the text reader would trim it). */
  private bare(k: number): boolean {
    const a = this.start[k] as number, z = this.stop[k] as number;
    if (a === z) return true;
    const x = this.b[a], y = this.b[z - 1];
    return x !== SPACE && x !== TAB && y !== SPACE && y !== TAB;
  }

  private empty(k: number): boolean {
    return k < 0 || this.start[k] === this.stop[k];
  }

  /** A plain row read and added; false: nothing added, the general path reads the line. */
  private plain(from: number, to: number, line: number): boolean {
    const cols = this.cols, b = this.b, start = this.start, stop = this.stop, r = this.row;
    if (!this.fields(from, to)) return false;
    if (!this.empty(cols.basis) || !this.empty(cols.lots)) return false;
    if (!this.bare(cols.id) || !this.bare(cols.time) || !this.bare(cols.type) || !this.bare(cols.quantity) || !this.bare(cols.price)) return false;
    if (cols.fee >= 0 && !this.bare(cols.fee)) return false;
    const idFrom = start[cols.id] as number, idTo = stop[cols.id] as number;
    if (idTo === idFrom || idTo - idFrom > LIMITS.id_chars_max) return false;
    const ms = parseTimestampBytes(b, start[cols.time] as number, stop[cols.time] as number);
    if (ms === null) return false;
    const type = typeCode(b, start[cols.type] as number, stop[cols.type] as number);
    if (type < 0) return false;
    if (!scanDecimalBytes(b, start[cols.quantity] as number, stop[cols.quantity] as number)) return false;
    const qty = fastQty();
    if (qty < 0) return false;
    const priceFrom = start[cols.price] as number, priceTo = stop[cols.price] as number;
    if (!scanDecimalBytes(b, priceFrom, priceTo)) return false;
    const base = fastBase(qty);
    if (base < 0) return false;
    let fee = 0;
    if (cols.fee >= 0) {
      const a = start[cols.fee] as number, z = stop[cols.fee] as number;
      if (!(a === z || (z - a === 1 && b[a] === 48))) {
        if (!scanDecimalBytes(b, a, z)) return false;
        fee = fastFee();
        if (fee < 0) return false;
      }
    }
    if (!fastCents(type, base, fee)) return false;
    // FNV-1a of the id's characters (idHash), which are its bytes here (ASCII).
    let h = 0x811c9dc5;
    for (let i = idFrom; i < idTo; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
    r.id = latin1(this.buf, idFrom, idTo);
    r.hash = h >>> 0;
    r.row = line;
    r.type = type;
    r.ms = ms;
    r.day = this.dayOf(ms);
    r.qty = qty;
    r.cents = fastOut.cents;
    r.income = fastOut.income;
    r.price = fastOut.income > 0 ? latin1(this.buf, priceFrom, priceTo) : '';
    this.c.addPlain(r);
    return true;
  }
}

/**
 * Adds the events of lines [from, to) of a CSV file's bytes to `c`, the first being line
 * `firstLine`. The bytes must hold no quote (a quoted field may span lines: such files are read
 * as text); `cols` are the file's header columns (csvColumnsOfBytes).
 */
export function readCsvBytesInto(c: EventCollector, bytes: Uint8Array, from: number, to: number, firstLine: number, cols: CsvColumns, dayOf: DayOf): void {
  new ByteLineReader(bytes, cols, c, dayOf).read(from, to, firstLine);
}

/**
 * Reads a whole file's bytes into `c` on this thread. False, with nothing read, when the file
 * holds a quote or its first line is blank: the caller reads it as text (csv.ts).
 */
export function readCsvFileBytesInto(c: EventCollector, bytes: Uint8Array, dayOf: DayOf): boolean {
  const buf = bufferOf(bytes);
  if (buf.indexOf(QUOTE) >= 0) return false;
  const bom = bomLength(buf);
  let headerEnd = buf.indexOf(LF);
  if (headerEnd < 0) headerEnd = buf.length;
  const cols = csvColumnsOfLine(buf.toString('utf8', bom, headerEnd));
  if (!cols) return false;
  readCsvBytesInto(c, bytes, headerEnd + 1, bytes.length, 2, cols, dayOf);
  return true;
}
