// All six output files of a tax year, built in memory (so a failure writes nothing).
import { gainsReportPdf } from './pdf.js';
import type { TaxYearResult } from './types.js';
import { incomeCsv, rowFiles, scheduleDJson, type ReportMeta } from './writers.js';

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
  const perRow = rowFiles(r, meta);
  const files: ReportFile[] = [
    { name: `form8949-${y}.csv`, content: perRow.form8949 },
    { name: `schedule-d-${y}.json`, content: scheduleDJson(r, meta) },
    { name: `gains-${y}.txf`, content: perRow.txf },
    { name: `turbotax-${y}.csv`, content: perRow.turbotax },
    { name: `income-${y}.csv`, content: incomeCsv(r, meta) },
    { name: `gains-report-${y}.pdf`, content: await gainsReportPdf(r, meta) },
  ];
  return files;
}
