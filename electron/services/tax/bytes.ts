// ASCII written straight into 1 MB Buffers, numbers digit by digit: the per-row report files'
// hot path. Why: with wash sales on, a synthetic million-transaction year has ~1.4 million 8949
// rows, and building a string per field and per line, joining them and encoding the result
// took about half of the report's time (profiled); bytes need no string and no encoding.
// Output is byte-for-byte what formatCentsN / formatQtyN / formatMDY print (test/tax/formats.test.ts).
import { civilFromDay } from './dates.js';

const CHUNK_BYTES = 1024 * 1024;
/** Room asked for before each row: far more than a row of any of the files needs. */
export const ROW_BYTES_MAX = 1024;

export class ByteSink {
  private chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private readonly digits = new Uint8Array(24);
  private readonly mdyCache = new Map<number, Buffer>();

  constructor(private readonly encoding: 'utf8' | 'latin1' = 'utf8') {}

  /** Makes room for `bytes` more; writes after it need no check until that many are used. */
  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** Any text, in the sink's encoding (headers, comment lines). */
  text(t: string): void {
    this.room(t.length * 3);
    this.pos += this.buf.write(t, this.pos, this.encoding);
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
    let b = this.mdyCache.get(day);
    if (!b) {
      const c = civilFromDay(day);
      b = Buffer.from(`${c.m < 10 ? '0' : ''}${c.m}/${c.d < 10 ? '0' : ''}${c.d}/${c.y}`, 'latin1');
      this.mdyCache.set(day, b);
    }
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  buffer(): Buffer {
    return Buffer.concat([...this.chunks, this.buf.subarray(0, this.pos)]);
  }
}
