// The CSV byte reader (csv-bytes.ts) must give the events and the first error of the text reader
// (csv.ts, prepare.ts) for any lines, and read the common row without the text reader.
import { describe, expect, it } from 'vitest';
import { csvByteCounts, csvColumnsOfLine, readCsvBytesInto } from '../../electron/services/tax/csv-bytes.js';
import { forEachCsvTransaction } from '../../electron/services/tax/csv.js';
import { makeDayOf, parseTimestamp, parseTimestampBytes } from '../../electron/services/tax/dates.js';
import { parseSettings } from '../../electron/services/tax/engine.js';
import { scanDecimal, scanDecimalBytes, scanned } from '../../electron/services/tax/fixed.js';
import { EventCollector, type EvStore } from '../../electron/services/tax/prepare.js';
import { TaxInputError, type TaxSettingsInput } from '../../electron/services/tax/types.js';
import { DECIMAL_PATTERN } from '../../shared/money.js';

const HEADER = 'id,time,type,quantity,price,fee,basis';

function columns(ev: EvStore): unknown {
  const n = ev.n;
  return {
    n, id: ev.id.slice(0, n), row: [...ev.row.subarray(0, n)], type: [...ev.type.subarray(0, n)], ms: [...ev.ms.subarray(0, n)], day: [...ev.day.subarray(0, n)],
    qty: [...ev.qty.subarray(0, n)], cents: [...ev.cents.subarray(0, n)], income: [...ev.income.subarray(0, n)], price: [...ev.price], lots: [...ev.lots],
  };
}

/** The events, or the error with everything it names. */
function outcome(read: (c: EventCollector) => void, settings: TaxSettingsInput): unknown {
  const s = parseSettings({ year: 2025, ...settings });
  const c = new EventCollector(s, makeDayOf(s.tz), 4);
  try {
    read(c);
  } catch (err) {
    if (!(err instanceof TaxInputError)) throw err;
    return { error: err.message, column: err.column, row: err.row, tx_id: err.tx_id };
  }
  return columns(c.finish());
}

function viaText(text: string, settings: TaxSettingsInput = {}): unknown {
  return outcome((c) => forEachCsvTransaction(text, (tx) => c.add(tx)), settings);
}

function viaBytes(text: string, settings: TaxSettingsInput = {}): unknown {
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  const headerEnd = bytes.indexOf(10);
  const cols = csvColumnsOfLine(Buffer.from(bytes.subarray(0, headerEnd)).toString('utf8'));
  if (!cols) throw new Error('blank header');
  const s = parseSettings({ year: 2025, ...settings });
  return outcome((c) => readCsvBytesInto(c, bytes, headerEnd + 1, bytes.length, 2, cols, makeDayOf(s.tz)), settings);
}

/** Reads `lines` both ways; returns how many the byte reader read as plain rows. */
function same(lines: string[], settings: TaxSettingsInput = {}, eol = '\n'): number {
  const text = [HEADER, ...lines].join(eol) + eol;
  const before = csvByteCounts.plain;
  expect(viaBytes(text, settings)).toEqual(viaText(text, settings));
  return csvByteCounts.plain - before;
}

describe('the CSV byte reader', () => {
  it('reads plain rows itself, with the text reader\'s numbers', () => {
    const plain = [
      't1,2025-01-02T03:04:05Z,buy,1.5,2.25,0.02,',
      't2,2025-01-03T03:04:05.123456789Z,sell,0.5,3,0.01,',
      't3,2025-01-04T03:04+05:30,redeem,0.25,2.1234,0,',
      't4,2025-01-05T00:00:00-08:00,income,2,1.5,,',
      't5,2025-02-28T23:59:59Z,buy,0.00000001,0.005,0.00,',
      't6,2024-02-29T12:00:00.5Z,buy,12.5,2.999999,1.99,',
      't7,2025-03-01T00:00:00Z,sell,1,0,0,', // proceeds 0
      'x-\u007f!,2025-03-02T00:00:00Z,sell,0.1,1.005,0,', // any ASCII id
    ];
    expect(same(plain)).toBe(plain.length);
    expect(same(plain, {}, '\r\n')).toBe(plain.length);
    expect(same(plain, { tz: 'America/New_York' })).toBe(plain.length);
  });

  it('leaves every other line to the text reader, with its result', () => {
    const other = [
      'm1,2025-01-01T00:00:00Z,mint,1,2,0,0.5', // a mint, with a basis
      'u1,2025-01-01T00:00:01Z,BUY,1,2,0,', // type in capitals
      ' s1 ,2025-01-01T00:00:02Z,buy, 1 ,2,0,', // spaces the text reader trims
      '\té1,2025-01-01T00:00:03Z,buy,1,2,0,', // a tab; an id beyond ASCII
      '€😀,2025-01-01T00:00:04Z,buy,1,2,0,',
      'f1,2025-01-01T00:00:05Z,buy,1,2,0.001,', // a fee in tenths of cents
      'b1,2025-01-01T00:00:06Z,buy,9999999999.99999,2,0,', // beyond the fast range
      'b2,2025-01-01T00:00:06Z,buy,1,2.999999999999999,0,',
      'p1,2025-01-01T00:00:07Z,buy,1,2.12345678901234567,0,',
      '', '   ', '\r', // blank lines
    ];
    expect(same(other)).toBe(0);
    expect(same(other, { mint_basis: 'fmv' })).toBe(0);
  });

  it('gives the text reader\'s error for each bad line', () => {
    const ok = 'ok1,2025-01-01T00:00:00Z,buy,1,2,0,';
    const bad = [
      'e1,2025-02-30T00:00:00Z,buy,1,2,0,', 'e2,2025-01-01 00:00:00Z,buy,1,2,0,', 'e3,2025-01-01T00:00:00,buy,1,2,0,', 'e4,2025-01-01T00:00:60Z,buy,1,2,0,',
      'e5,2025-01-01T00:00:00Z,swap,1,2,0,', 'e6,2025-01-01T00:00:00Z,buy,-1,2,0,', 'e7,2025-01-01T00:00:00Z,buy,0,2,0,', 'e8,2025-01-01T00:00:00Z,buy,1.123456789,2,0,',
      'e9,2025-01-01T00:00:00Z,buy,1,1e3,0,', 'e10,2025-01-01T00:00:00Z,buy,1,-2,0,', 'e11,2025-01-01T00:00:00Z,sell,1,0.01,0.02,', 'e12,2025-01-01T00:00:00Z,buy,1,2,0',
      'e13,2025-01-01T00:00:00Z,buy,1,2,0,,', ',2025-01-01T00:00:00Z,buy,1,2,0,', `${'i'.repeat(129)},2025-01-01T00:00:00Z,buy,1,2,0,`, 'ok1,2025-01-02T00:00:00Z,sell,1,2,0,',
      'e15,2025-01-01T00:00:00Z,buy,.5,2,0,', 'e16,2025-01-01T00:00:00Z,buy,01,2,0,', 'e17,2025-01-01T00:00:00Z,buy,1.,2,0,', 'e18,2025-01-01T00:00:00Z,buy,1,2,-0.01,',
      'e19,2025-01-01T00:00:00Z,buy,1,2,0,5', 'e20,2025-01-01T00:00:00.Z,buy,1,2,0,', 'e21,2025-01-01T00:00:00+24:00,buy,1,2,0,', 'e22,2025-01-01T00:00:00Z,redeem,1,2,3,',
    ];
    for (const line of bad) {
      const result = viaText([HEADER, ok, line].join('\n'));
      expect(result, line).toHaveProperty('error');
      same([ok, line]);
    }
  });

  it('agrees with the text reader on random files', () => {
    let seed = 7;
    const rnd = (m: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % m;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
    // Mostly good values (so that files get past their first lines), some of every other kind.
    const vary = (good: readonly string[], other: readonly string[]): string => (rnd(5) > 0 ? pick(good) : pick(other));
    const ids = (): string => vary([`a${rnd(1000)}`, `t${rnd(1000)}`, 'ID'], ['é', ' d', 'e ', '', 'a1']);
    const times = (): string => vary(['2025-01-01T00:00:00Z', '2025-06-30T12:30:00.25+02:00', '2024-12-31T23:59:59Z', '2025-01-01T00:00Z'], ['2025-02-29T00:00:00Z', '2025-1-01T00:00:00Z', ' 2025-03-01T00:00:00Z', '2025-03-01T00:00:00.1234567891Z']);
    const types = (): string => vary(['buy', 'sell', 'redeem', 'income', 'buy'], ['mint', 'Sell', 'swap', '']);
    const amounts = (): string => vary(['1', '0.5', '2.25', '0.00000001', '3.1'], ['0', '-1', '1.5.', 'abc', '', '12345678901234567', '3.14159265358979323', ' 2']);
    const fees = (): string => vary(['', '0', '0.01', '1', '0.00'], ['0.001', '-0.01', 'x']);
    const bases = (): string => vary([''], ['0.5', 'x']);
    const before = { ...csvByteCounts };
    let plainRows = 0;
    for (let file = 0; file < 1000; file++) {
      const lines: string[] = [];
      const count = 1 + rnd(8);
      for (let k = 0; k < count; k++) {
        if (rnd(30) === 0) lines.push(pick(['', ' ', '\r']));
        else lines.push([ids(), times(), types(), amounts(), amounts(), fees(), bases()].join(','));
      }
      plainRows += same(lines, { mint_basis: pick(['allocated', 'fmv', 'zero'] as const) }, rnd(2) === 0 ? '\n' : '\r\n');
    }
    // Both paths were taken many times (the comparison above means something for each).
    expect(plainRows).toBeGreaterThan(150);
    expect(csvByteCounts.general - before.general).toBeGreaterThan(500);
  });
});

describe('the byte forms of the decimal and timestamp checks', () => {
  it('accept what the string forms accept, with the same values', () => {
    let seed = 11;
    const rnd = (m: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % m;
    };
    const digits = '0123456789.-a';
    for (let k = 0; k < 20_000; k++) {
      const t = Array.from({ length: rnd(44) }, () => digits[rnd(digits.length)]).join('');
      const ok = scanDecimal(t);
      expect(ok, t).toBe(t.length <= 40 && DECIMAL_PATTERN.test(t));
      const want = { ...scanned };
      const bytes = Buffer.from(`,${t},`, 'latin1');
      expect(scanDecimalBytes(bytes, 1, bytes.length - 1), t).toBe(ok);
      if (ok) expect({ ...scanned }).toEqual(want);
    }
    const base = '2025-06-30T12:30:45.123+02:00';
    for (let k = 0; k < 20_000; k++) {
      const chars = [...base.slice(0, 16 + rnd(base.length - 15))];
      for (let m = rnd(3); m > 0; m--) chars[rnd(chars.length)] = '0123456789Z+-:.T'[rnd(16)] as string;
      const t = chars.join('');
      // A long timestamp first, then the one checked (the string form reuses a scratch copy).
      parseTimestamp('2025-06-30T12:30:45.123456789+02:00');
      const want = parseTimestamp(t);
      const bytes = Buffer.from(`9${t}9`, 'latin1');
      expect(parseTimestampBytes(bytes, 1, bytes.length - 1), t).toBe(want);
      // The ECMAScript date-time form, where Date.parse is exact.
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(t)) expect(want, t).toBe(Number.isNaN(Date.parse(t)) ? null : Date.parse(t));
    }
    expect(parseTimestamp('2025-01-01T00:00:00Zé')).toBeNull();
    expect(scanDecimal('1٣')).toBe(false);
  });
});
