// The documented transactions CSV (docs/TAX.md): header row, columns in any order.
// This reads the structure (header, cells, the `lots` syntax); the values are checked by the
// engine (prepare.ts), which names the same row and column.
//
// Why not csv-parse: measured on 300k rows it took ~3.7 s (about 6-12 µs a row), more than the
// whole 1M-row budget. The reader below is RFC 4180 (quotes, doubled quotes, CRLF, BOM) with a
// fast path for lines without quotes, and it is checked against csv-parse in test/tax.
import { LIMITS, TaxInputError, type TaxTransaction, type TxType } from './types.js';

export const CSV_REQUIRED_COLUMNS = ['id', 'time', 'type', 'quantity', 'price'] as const;
export const CSV_OPTIONAL_COLUMNS = ['fee', 'basis', 'lots'] as const;
export const CSV_COLUMNS: readonly string[] = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS];
/** Refuse input files above this size (a million rows is ~80 MB). */
export const CSV_BYTES_MAX = 1024 * 1024 * 1024;

function parseLots(cell: string, row: number, id: string): { id: string; quantity: string }[] {
  const out: { id: string; quantity: string }[] = [];
  for (const part of cell.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const colon = item.lastIndexOf(':');
    if (colon <= 0 || colon === item.length - 1) {
      throw new TaxInputError(`"${item}" is not ID:QTY (write lots as ID:QTY;ID:QTY)`, 'lots', id, row);
    }
    out.push({ id: item.slice(0, colon).trim(), quantity: item.slice(colon + 1).trim() });
    if (out.length > LIMITS.lots_per_disposal_max) throw new TaxInputError(`more than ${LIMITS.lots_per_disposal_max} lots`, 'lots', id, row);
  }
  return out;
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

function trimField(f: string): string {
  const n = f.length;
  if (n === 0) return f;
  const a = f.charCodeAt(0), b = f.charCodeAt(n - 1);
  return a === 32 || a === 9 || b === 32 || b === 9 ? f.trim() : f;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Per-row objects of the reader are class instances, not object or array literals. Why: V8 may
 * decide to allocate a literal's objects in old space once its first few all survived a scavenge
 * (allocation-site pretenuring); a per-row site so tenured kept every row's strings alive until
 * the next full GC, and identical 1M-row runs took 4.8 s or 5.5-7 s depending on that decision
 * (docs/BENCHMARKS.md, "third pass"). Class instances carry no allocation site.
 */
class CsvRow implements CsvRecord {
  constructor(readonly line: number, readonly fields: string[]) {}
}

class CsvTransaction implements TaxTransaction {
  declare basis_usd?: string;
  declare lots?: { id: string; quantity: string }[];
  constructor(
    readonly id: string, readonly time: string, readonly type: TxType, readonly quantity: string,
    readonly price_usd: string, readonly fee_usd: string, readonly row: number,
  ) {}
}

/**
 * The first quote at or after `from`, or -1. Searched in a slice of the text: in a process that
 * had read a CSV on two threads, `text.indexOf('"', from)` called from readCsv's optimized code
 * took seconds on a few-MB text with no quote (quadratic in its length: minutes at 20 MB), while
 * the same search in a slice took a millisecond (measured; V8's reason not found). The slice
 * costs nothing (a view of the text).
 */
function quoteFrom(text: string, from: number): number {
  const q = text.slice(from).indexOf('"');
  return q < 0 ? -1 : from + q;
}

/**
 * Calls `onRecord` for each non-empty record. Throws TaxInputError on an unterminated quote.
 * With `reuseFields`, every unquoted record's `fields` is the same array, refilled (for a caller
 * that reads the fields at once and keeps none of the arrays).
 */
export function readCsv(text: string, onRecord: (r: CsvRecord) => void, reuseFields = false): void {
  const shared: string[] = new Array<string>();
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  let nextQuote = quoteFrom(text, pos);
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (nextQuote >= 0 && nextQuote < pos) nextQuote = quoteFrom(text, pos);
    if (nextQuote < 0 || nextQuote >= lineEnd) {
      // Fast path, no quotes on this line: fields are sliced straight from the text.
      if (lineEnd > pos && !isBlank(text, pos, lineEnd)) {
        let fields: string[];
        if (reuseFields) {
          fields = shared;
          fields.length = 0;
        } else fields = new Array<string>();
        let k = pos;
        for (;;) {
          let c = text.indexOf(',', k);
          if (c < 0 || c > lineEnd) c = lineEnd;
          fields.push(trimField(text.slice(k, c)));
          if (c === lineEnd) break;
          k = c + 1;
        }
        onRecord(new CsvRow(line, fields));
      }
      pos = end + 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    let field = '';
    let i = pos;
    for (;;) {
      // At the start of a field.
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new TaxInputError('a quoted field is not closed', '(row)', undefined, start);
          const q = text.indexOf('"', i);
          if (q < 0) throw new TaxInputError('a quoted field is not closed', '(row)', undefined, start);
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === 10) line++;
          field += chunk;
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      } else {
        let k = i;
        while (k < n && text[k] !== ',' && text[k] !== '\n' && text[k] !== '\r') k++;
        if (text.slice(i, k).includes('"')) throw new TaxInputError('a quote inside an unquoted field', '(row)', undefined, start);
        field = text.slice(i, k).trim();
        i = k;
      }
      fields.push(field);
      field = '';
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (i < n && text[i] !== '\n') throw new TaxInputError('unexpected text after a quoted field', '(row)', undefined, start);
      break;
    }
    onRecord(new CsvRow(start, fields));
    pos = i + 1;
    line++;
  }
}

/** Parses the transactions CSV. Throws TaxInputError naming the row (header = row 1) and column. */
export function parseTransactionsCsv(text: string): TaxTransaction[] {
  const out: TaxTransaction[] = [];
  forEachCsvTransaction(text, (tx) => out.push(tx));
  return out;
}

/** Where each known column is in a file's header (index into a record's fields; -1: absent). */
export interface CsvColumns {
  count: number;
  id: number;
  time: number;
  type: number;
  quantity: number;
  price: number;
  fee: number;
  basis: number;
  lots: number;
}

/** Checks a header record (names in any case and order; each known, none twice, the required all there). */
export function csvColumns(fields: readonly string[], line: number): CsvColumns {
  const col: Record<string, number> = {};
  fields.forEach((field, i) => {
    const name = field.toLowerCase();
    if (!CSV_COLUMNS.includes(name)) throw new TaxInputError(`unknown column ${JSON.stringify(field)} (known: ${CSV_COLUMNS.join(', ')})`, name || '(empty)', undefined, line);
    if (col[name] !== undefined) throw new TaxInputError('appears twice in the header', name, undefined, line);
    col[name] = i;
  });
  for (const req of CSV_REQUIRED_COLUMNS) {
    if (col[req] === undefined) throw new TaxInputError('is missing from the header', req, undefined, line);
  }
  const at = (name: string): number => col[name] ?? -1;
  return { count: fields.length, id: at('id'), time: at('time'), type: at('type'), quantity: at('quantity'), price: at('price'), fee: at('fee'), basis: at('basis'), lots: at('lots') };
}

/** One data record as a transaction (its structure checked; its values are checked by prepare.ts). */
export function csvTransaction(f: readonly string[], cols: CsvColumns, row: number): TaxTransaction {
  if (f.length !== cols.count) throw new TaxInputError(`has ${f.length} fields, the header has ${cols.count}`, '(row)', f[cols.id], row);
  const id = f[cols.id] as string;
  const fee = cols.fee < 0 ? '' : (f[cols.fee] as string);
  const tx: TaxTransaction = new CsvTransaction(id, f[cols.time] as string, (f[cols.type] as string).toLowerCase() as TxType, f[cols.quantity] as string, f[cols.price] as string, fee === '' ? '0' : fee, row);
  if (cols.basis >= 0 && f[cols.basis] !== '') tx.basis_usd = f[cols.basis] as string;
  if (cols.lots >= 0 && f[cols.lots] !== '') tx.lots = parseLots(f[cols.lots] as string, row, id);
  return tx;
}

/**
 * Calls `onTx` for each data row, in file order (the engine uses this to avoid keeping the objects).
 * `lineOffset` is added to data rows' line numbers: a part of a file parsed as its header line
 * followed by the part (csv-split.ts) names the rows as the whole file does.
 */
export function forEachCsvTransaction(text: string, onTx: (tx: TaxTransaction) => void, lineOffset = 0): void {
  if (text.length > CSV_BYTES_MAX) throw new TaxInputError(`the file is larger than ${CSV_BYTES_MAX} bytes`, '(file)');
  let cols: CsvColumns | null = null;
  let count = 0;
  readCsv(text, (rec) => {
    if (!cols) {
      cols = csvColumns(rec.fields, rec.line);
      return;
    }
    const row = rec.line + lineOffset;
    if (rec.fields.length === cols.count && count++ >= LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} rows`, '(file)', undefined, row);
    onTx(csvTransaction(rec.fields, cols, row));
  }, true);
  if (!cols) throw new TaxInputError('the file is empty (expected a header row)', '(header)', undefined, 1);
}
