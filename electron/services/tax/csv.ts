// The documented transactions CSV (docs/TAX.md): header row, columns in any order.
// This reads the structure (header, cells, the `lots` syntax); the values are checked by the
// engine (prepare.ts), which names the same row and column.
import { parse } from 'csv-parse/sync';
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

/** Parses the transactions CSV. Throws TaxInputError naming the row (header = row 1) and column. */
export function parseTransactionsCsv(text: string): TaxTransaction[] {
  if (text.length > CSV_BYTES_MAX) throw new TaxInputError(`the file is larger than ${CSV_BYTES_MAX} bytes`, '(file)');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new TaxInputError(`cannot be read as CSV: ${e.message ?? String(err)}`, '(row)', undefined, e.lines);
  }
  const header = records[0];
  if (!header) throw new TaxInputError('the file is empty (expected a header row)', '(header)', undefined, 1);
  const names = header.record.map((h) => h.toLowerCase());
  const col: Record<string, number> = {};
  names.forEach((n, i) => {
    if (!CSV_COLUMNS.includes(n)) throw new TaxInputError(`unknown column ${JSON.stringify(header.record[i])} (known: ${CSV_COLUMNS.join(', ')})`, n || '(empty)', undefined, header.info.lines);
    if (col[n] !== undefined) throw new TaxInputError('appears twice in the header', n, undefined, header.info.lines);
    col[n] = i;
  });
  for (const req of CSV_REQUIRED_COLUMNS) {
    if (col[req] === undefined) throw new TaxInputError('is missing from the header', req, undefined, header.info.lines);
  }
  if (records.length - 1 > LIMITS.transactions_max) throw new TaxInputError(`more than ${LIMITS.transactions_max} rows`, '(file)');
  const iId = col.id as number, iTime = col.time as number, iType = col.type as number, iQty = col.quantity as number, iPrice = col.price as number;
  const iFee = col.fee, iBasis = col.basis, iLots = col.lots;
  const out: TaxTransaction[] = new Array<TaxTransaction>(records.length - 1);
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r] as { record: string[]; info: { lines: number } };
    const row = info.lines;
    const id = record[iId] as string;
    const tx: TaxTransaction = {
      id, time: record[iTime] as string, type: (record[iType] as string).toLowerCase() as TxType, quantity: record[iQty] as string,
      price_usd: record[iPrice] as string, fee_usd: iFee === undefined || record[iFee] === '' ? '0' : (record[iFee] as string), row,
    };
    if (iBasis !== undefined && record[iBasis] !== '') tx.basis_usd = record[iBasis] as string;
    if (iLots !== undefined && record[iLots] !== '') tx.lots = parseLots(record[iLots] as string, row, id);
    out[r - 1] = tx;
  }
  return out;
}
