// manifest.json, written beside the report files: the provenance the CSVs used to carry in
// trailing '#' lines (data as of, settings, generator, not-tax-advice statement, per-file
// notes), plus each file's size and SHA-256 so a copy can be checked against it later.
import { createHash } from 'node:crypto';
import type { TaxYearResult } from './types.js';
import { NOT_TAX_ADVICE, PROGRAM_NAME, settingsSummary, type ReportMeta } from './writers.js';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'compute-wallet-tax-report/1';

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
  notes: string[];
}

export interface ReportManifest {
  format: typeof MANIFEST_FORMAT;
  tax_year: number;
  data_as_of: string;
  generated_at: string;
  generated_by: string;
  settings_summary: string;
  settings: TaxYearResult['settings'];
  note: string;
  files: ManifestFile[];
}

export function reportManifest(
  r: TaxYearResult,
  meta: ReportMeta,
  files: { name: string; content: string | Buffer; notes?: string[] }[],
): string {
  const manifest: ReportManifest = {
    format: MANIFEST_FORMAT,
    tax_year: r.year,
    data_as_of: meta.data_as_of,
    generated_at: meta.generated_at,
    generated_by: PROGRAM_NAME,
    settings_summary: settingsSummary(r.settings),
    settings: r.settings,
    note: NOT_TAX_ADVICE,
    files: files.map((f) => ({
      name: f.name,
      bytes: Buffer.byteLength(f.content),
      sha256: createHash('sha256').update(f.content).digest('hex'),
      notes: f.notes ?? [],
    })),
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}
