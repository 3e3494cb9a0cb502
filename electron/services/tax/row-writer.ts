// The three per-row files' rows (Form 8949 CSV, TXF, TurboTax CSV) written as bytes from the
// row table's numbers, over any range of rows in form order: one thread writes them all, or the
// main thread and the row-file worker (row-files.ts) each write a range into the same buffers.
import { asciiBytes, ByteSink, centsLen, intLen, mdyLen, qtyLen } from './bytes.js';
import type { RowNumbers } from './rows.js';
import type { Box } from './types.js';

/** TXF refnums (Intuit TXF v042). */
export const TXF_REFNUM: Record<string, number> = { A: 321, B: 711, C: 712, D: 323, E: 713, F: 714, G: 712, H: 712, I: 712, J: 714, K: 714, L: 714 };
export const TXF_WASH_REFNUM = { short: 682, long: 718 } as const;

/** What the writers read of a row table: RowTable on the main thread, RowColumns in the worker. */
export interface RowReader {
  readonly boxShort: Box;
  readonly boxLong: Box;
  numbers(i: number, out: RowNumbers): void;
}

/** Bytes of the rows of one range, per file. */
export interface RowFileBytes {
  f: number;
  tx: number;
  tt: number;
}

const TXF_HEAD = asciiBytes('TD\r\nN');
const TXF_MID = asciiBytes('\r\nC1\r\nL1\r\nP');
const TXF_DATE = asciiBytes('\r\nD');
const TXF_AMOUNT = asciiBytes('\r\n$');
const TXF_END = asciiBytes('\r\n^\r\n');
const ROW_NUMBERS = (): RowNumbers => ({ long: false, wash: false, qty: 0, basis: 0, proceeds: 0, adjustment: 0, holdDay: 0, soldDay: 0 });

function txfRefnum(n: RowNumbers, box: string): number {
  return n.wash ? TXF_WASH_REFNUM[n.long ? 'long' : 'short'] : (TXF_REFNUM[box] as number);
}

/**
 * The bytes writeRows will write into each file for rows order[from..to) (the same layout,
 * counted: writeRows' ByteSinks refuse a result of any other size, so the two cannot drift).
 * With `each`, also each row's own three lengths, at 3 * (k - from) (8949, TXF, TurboTax).
 */
export function rowBytes(table: RowReader, order: Int32Array, from: number, to: number, symbol: string, each?: Int32Array): RowFileBytes {
  const n = ROW_NUMBERS();
  const sym = symbol.length;
  if (each && each.length < 3 * (to - from)) throw new RangeError(`room for ${each.length / 3} rows' lengths, not ${to - from}`);
  let f = 0, tx = 0, tt = 0;
  for (let k = from; k < to; k++) {
    table.numbers(order[k] as number, n);
    const box = n.long ? table.boxLong : table.boxShort;
    const q = qtyLen(n.qty), held = mdyLen(n.holdDay), sold = mdyLen(n.soldDay), proceeds = centsLen(n.proceeds), basis = centsLen(n.basis);
    // part,box,qty symbol,held,sold,proceeds,basis,[W],adjustment,gain\n
    const rf = (n.long ? 3 : 2) + box.length + q + sym + held + sold + proceeds + basis + (n.wash ? 1 : 0) + centsLen(n.adjustment) + centsLen(n.proceeds - n.basis + n.adjustment) + 10;
    const rtx = TXF_HEAD.length + intLen(txfRefnum(n, box)) + TXF_MID.length + q + 1 + sym + 2 * TXF_DATE.length + held + sold +
      2 * TXF_AMOUNT.length + basis + proceeds + (n.wash ? TXF_AMOUNT.length + centsLen(n.adjustment) : 0) + TXF_END.length;
    const rtt = sym + held + centsLen(n.wash ? n.basis - n.adjustment : n.basis) + sold + proceeds + 5;
    f += rf;
    tx += rtx;
    tt += rtt;
    if (each) {
      const at = 3 * (k - from);
      each[at] = rf;
      each[at + 1] = rtx;
      each[at + 2] = rtt;
    }
  }
  return { f, tx, tt };
}

/**
 * Writes rows order[from..to) into the three sinks. Returns -1, or the row index whose
 * TurboTax amount would be negative (the caller names its disposal; the files are then refused).
 */
export function writeRows(table: RowReader, order: Int32Array, from: number, to: number, symbol: string, f: ByteSink, tx: ByteSink, tt: ByteSink): number {
  const n = ROW_NUMBERS();
  const shortBox = table.boxShort, longBox = table.boxLong;
  const sym = asciiBytes(symbol);
  const LF = 10, COMMA = 44;
  for (let k = from; k < to; k++) {
    const i = order[k] as number;
    table.numbers(i, n);
    const box = n.long ? longBox : shortBox;
    const gain = n.proceeds - n.basis + n.adjustment;
    // Form 8949: part,box,description,acquired,sold,proceeds,cost,code,adjustment,gain
    f.ascii(n.long ? 'II,' : 'I,');
    f.ascii(box);
    f.byte(COMMA);
    f.qty(n.qty);
    f.byte(32);
    f.bytes(sym);
    f.byte(COMMA);
    f.mdy(n.holdDay);
    f.byte(COMMA);
    f.mdy(n.soldDay);
    f.byte(COMMA);
    f.cents(n.proceeds);
    f.byte(COMMA);
    f.cents(n.basis);
    f.byte(COMMA);
    if (n.wash) f.byte(87);
    f.byte(COMMA);
    f.cents(n.adjustment);
    f.byte(COMMA);
    f.cents(gain);
    f.byte(LF);
    // TXF record
    tx.bytes(TXF_HEAD);
    tx.int(txfRefnum(n, box));
    tx.bytes(TXF_MID);
    tx.qty(n.qty);
    tx.byte(32);
    tx.bytes(sym);
    tx.bytes(TXF_DATE);
    tx.mdy(n.holdDay);
    tx.bytes(TXF_DATE);
    tx.mdy(n.soldDay);
    tx.bytes(TXF_AMOUNT);
    tx.cents(n.basis);
    tx.bytes(TXF_AMOUNT);
    tx.cents(n.proceeds);
    if (n.wash) {
      tx.bytes(TXF_AMOUNT);
      tx.cents(n.adjustment);
    }
    tx.bytes(TXF_END);
    // TurboTax: no negative numbers; a wash-sale row's cost is net of the disallowed loss.
    const cost = n.wash ? n.basis - n.adjustment : n.basis;
    if (cost < 0 || n.proceeds < 0) return i;
    tt.bytes(sym);
    tt.byte(COMMA);
    tt.mdy(n.holdDay);
    tt.byte(COMMA);
    tt.cents(cost);
    tt.byte(COMMA);
    tt.mdy(n.soldDay);
    tt.byte(COMMA);
    tt.cents(n.proceeds);
    tt.byte(LF);
  }
  return -1;
}
