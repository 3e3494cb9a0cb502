// ASCII written straight into 1 MB Buffers, numbers digit by digit: the per-row report files'
// hot path. Why: with wash sales on, a synthetic million-transaction year has ~1.4 million 8949
// rows, and building a string per field and per line, joining them and encoding the result
// took about half of the report's time (profiled); bytes need no string and no encoding.
// Output is byte-for-byte what formatCentsN / formatQtyN / formatMDY print (test/tax/formats.test.ts).
//
// The *Len functions give the length each writer writes, so a file's size can be known before
// it is written: one Buffer of that size, no chunks to join. Why: joining ~300 MB of 1 MB
// chunks for the three files cost a copy of all of it, and every MB of new Buffers counts
// towards V8's external-memory limit, which forced a full GC per ~64 MB (profiled: ~1.5 s).
import { civilFromDay, dayFromCivil } from './dates.js';

const CHUNK_BYTES = 1024 * 1024;
/** MM/DD/YYYY of a day as bytes (memoized: a report has few distinct dates and many rows). */
const MDY_BYTES = new Map<number, Uint8Array>();
const MDY_BYTES_MAX = 100_000;
function mdyBytes(day: number): Uint8Array {
  let b = MDY_BYTES.get(day);
  if (b === undefined) {
    const c = civilFromDay(day);
    b = Buffer.from(`${c.m < 10 ? '0' : ''}${c.m}/${c.d < 10 ? '0' : ''}${c.d}/${c.y}`, 'latin1');
    if (MDY_BYTES.size >= MDY_BYTES_MAX) MDY_BYTES.clear();
    MDY_BYTES.set(day, b);
  }
  return b;
}

/**
 * Days 1900-01-01 to 2079-06-06 (all with four-digit years, so ten bytes each) in one flat
 * table, filled as they are first asked for: a row has two dates in each of three files, and
 * a Map lookup plus a copy per date was the largest part of writing them (profiled).
 */
const FLAT_FIRST_DAY = dayFromCivil(1900, 1, 1);
const FLAT_DAYS = 1 << 16;
const MDY_FLAT = new Uint8Array(FLAT_DAYS * 10);
const MDY_FLAT_FILLED = new Uint8Array(FLAT_DAYS);

/** Offset of the day's ten bytes in MDY_FLAT, or -1 outside its range. */
function flatMdy(day: number): number {
  const k = day - FLAT_FIRST_DAY;
  if (!(k >= 0 && k < FLAT_DAYS)) return -1;
  if (MDY_FLAT_FILLED[k] === 0) {
    MDY_FLAT.set(mdyBytes(day), k * 10);
    MDY_FLAT_FILLED[k] = 1;
  }
  return k * 10;
}

/** Decimal digits of a non-negative safe integer (what int() writes); compares, no divisions. */
export function intLen(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  if (n < 1e8) return n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
  let len = 9;
  for (let p = 1e9; n >= p && len < 16; p *= 10) len++;
  return len;
}

/** What cents() writes. */
export function centsLen(c: number): number {
  const a = c < 0 ? -c : c;
  return (c < 0 ? 1 : 0) + intLen((a - (a % 100)) / 100) + 3;
}

/** What qty() writes. */
export function qtyLen(q: number): number {
  const a = q < 0 ? -q : q;
  let frac = a % 1e8;
  let len = (q < 0 ? 1 : 0) + intLen((a - frac) / 1e8);
  if (frac === 0) return len;
  len += 9; // the point and eight digits, less the trailing zeros qty() leaves out
  while (frac % 10 === 0) {
    frac /= 10;
    len--;
  }
  return len;
}

/** What mdy() writes. */
export function mdyLen(day: number): number {
  const k = day - FLAT_FIRST_DAY;
  return k >= 0 && k < FLAT_DAYS ? 10 : mdyBytes(day).length;
}

/** ASCII text as bytes (constant parts of a row, written with bytes()). */
export function asciiBytes(t: string): Uint8Array {
  return Buffer.from(t, 'latin1');
}

export class ByteSink {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private readonly digits = new Uint8Array(24);

  /**
   * With `exactBytes`, one Buffer of that size and no room checks (a typed array drops writes
   * past its end; buffer() then refuses the result because the count is off).
   */
  /** Where this sink's bytes start in `buf` (0 unless it writes into a region of a given buffer). */
  private readonly start: number;

  /**
   * With `into`, the sink writes exactBytes bytes into `into.buf` from `into.at` (a region of a
   * file that another thread writes the rest of; see row-files.ts). A miscount is not silent:
   * buffer() refuses it, and the other region's writer refuses its own.
   */
  constructor(private readonly encoding: 'utf8' | 'latin1' = 'utf8', private readonly exactBytes?: number, into?: { buf: Buffer; at: number }) {
    if (into && (exactBytes === undefined || into.at < 0 || into.at + exactBytes > into.buf.length)) {
      throw new RangeError(`byte writer: region [${into.at}, +${exactBytes}) outside a buffer of ${into.buf.length}`);
    }
    this.buf = into ? into.buf : Buffer.allocUnsafe(exactBytes ?? CHUNK_BYTES);
    this.pos = this.start = into ? into.at : 0;
  }

  /** Makes room for `bytes` more; writes after it need no check until that many are used. */
  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length || this.exactBytes !== undefined) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** Any text, in the sink's encoding (headers, comment lines). */
  text(t: string): void {
    this.room(t.length * 3);
    this.buf.write(t, this.pos, this.encoding);
    // The text's full size even where write() stopped at the end of an exact sink: buffer() then refuses it.
    this.pos += Buffer.byteLength(t, this.encoding);
  }

  /** Pre-encoded bytes (asciiBytes); room must have been made. */
  bytes(t: Uint8Array): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < t.length; i++) b[p++] = t[i] as number;
    this.pos = p;
  }

  /** Text known to be ASCII (codes, symbols, separators); room must have been made. */
  ascii(t: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < t.length; i++) b[p++] = t.charCodeAt(i);
    this.pos = p;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative safe integer in decimal. */
  int(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    const d = this.digits;
    let len = 0;
    while (n > 0) {
      const q = Math.floor(n / 10);
      d[len++] = n - q * 10;
      n = q;
    }
    const b = this.buf;
    let p = this.pos;
    while (len > 0) b[p++] = 48 + (d[--len] as number);
    this.pos = p;
  }

  /** Integer cents as formatCentsN prints them: "-12.05", "0.00". */
  cents(c: number): void {
    if (c < 0) {
      this.byte(45);
      c = -c;
    }
    const frac = c % 100;
    this.int((c - frac) / 100);
    const tens = Math.floor(frac / 10);
    this.byte(46);
    this.byte(48 + tens);
    this.byte(48 + frac - tens * 10);
  }

  /** A quantity in 1e-8 token as formatQtyN prints it: "12.5", "3", "0.00000001". */
  qty(q: number): void {
    if (q < 0) {
      this.byte(45);
      q = -q;
    }
    const frac = q % 1e8;
    this.int((q - frac) / 1e8);
    if (frac === 0) return;
    this.byte(46);
    let f = frac;
    let scale = 1e7;
    while (f > 0) {
      const digit = Math.floor(f / scale);
      this.byte(48 + digit);
      f -= digit * scale;
      scale /= 10;
    }
  }

  /** A day as formatMDY prints it (MM/DD/YYYY). */
  mdy(day: number): void {
    const o = flatMdy(day);
    if (o < 0) {
      this.bytes(mdyBytes(day)); // a byte loop: Buffer.copy costs more than ten bytes' worth
      return;
    }
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 10; i++) b[p + i] = MDY_FLAT[o + i] as number;
    this.pos = p + 10;
  }

  buffer(): Buffer {
    if (this.exactBytes !== undefined) {
      const written = this.pos - this.start;
      if (written !== this.exactBytes) throw new Error(`byte writer: ${written} bytes written into a file sized ${this.exactBytes}`);
      return this.start === 0 && this.buf.length === this.exactBytes ? this.buf : this.buf.subarray(this.start, this.pos);
    }
    return Buffer.concat([...this.chunks, this.buf.subarray(0, this.pos)]);
  }
}
