// All six output files of a tax year, built in memory (so a failure writes nothing).
import { gainsReportPdf } from './pdf.js';
import type { TaxYearResult } from './types.js';
import { form8949CsvBuffer, incomeCsv, scheduleDJson, turbotaxCsvBuffer, txfBuffer, type ReportMeta } from './writers.js';

export interface ReportFile {
  name: string;
  content: string | Buffer;
}

export function reportFileNames(year: number): string[] {
  return [
    `form8949-${year}.csv`, `schedule-d-${year}.json`, `gains-${year}.txf`, `turbotax-${year}.csv`, `income-${year}.csv`, `gains-report-${year}.pdf`,
  ];
}

export async function buildReportFiles(r: TaxYearResult, meta: ReportMeta): Promise<ReportFile[]> {
  const y = r.year;
  const files: ReportFile[] = [
    { name: `form8949-${y}.csv`, content: form8949CsvBuffer(r, meta) },
    { name: `schedule-d-${y}.json`, content: scheduleDJson(r, meta) },
    { name: `gains-${y}.txf`, content: txfBuffer(r, meta) },
    { name: `turbotax-${y}.csv`, content: turbotaxCsvBuffer(r, meta) },
    { name: `income-${y}.csv`, content: incomeCsv(r, meta) },
    { name: `gains-report-${y}.pdf`, content: await gainsReportPdf(r, meta) },
  ];
  return files;
}
