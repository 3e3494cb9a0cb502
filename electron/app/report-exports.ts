// The tax report exports a user can take away: each export is written into its own folder
// (reports/YEAR/EXPORT_ID/, nothing is ever overwritten) with a manifest of its files. A file
// is found again only by export id and file name, both checked by pattern and against that
// manifest, so no path ever comes from the renderer or the browser.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ExportReportResponse, TAX_EXPORTS_LIST_MAX, zExportId, zReportFileName } from '../../shared/contract/tax.js';

/** The export's own index (files, sizes, SHA-256, data as of); apart from the report's provenance manifest.json. */
const MANIFEST = 'export.json';
const Manifest = z.strictObject({
  export: ExportReportResponse.omit({ folder: true }),
  sha256: z.record(zReportFileName, z.string().regex(/^[0-9a-f]{64}$/)),
});

export interface ReportFileContent {
  name: string;
  content: string | Uint8Array;
}

/** "2025-20260304T101500123Z": the year and the UTC instant, sortable. */
export function exportId(year: number, at: Date): string {
  return `${year}-${at.toISOString().replace(/[-:.]/g, '')}`;
}

export class ReportExports {
  constructor(private readonly reports_dir: string) {}

  /** Writes the files (temp names, then renames) and, last, the manifest that makes the export visible. */
  write(year: number, files: readonly ReportFileContent[], data_as_of: string, at: Date): ExportReportResponse {
    const export_id = zExportId.parse(exportId(year, at));
    const folder = this.folder(export_id);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const sha256: Record<string, string> = {};
    for (const f of files) {
      zReportFileName.parse(f.name);
      writeFileSync(path.join(folder, `.${f.name}.tmp`), f.content, { mode: 0o600 });
      sha256[f.name] = createHash('sha256').update(f.content).digest('hex');
    }
    for (const f of files) renameSync(path.join(folder, `.${f.name}.tmp`), path.join(folder, f.name));
    const exp = { export_id, year, files: files.map((f) => ({ name: f.name, bytes: Buffer.byteLength(f.content) })), data_as_of, created_at: at.toISOString() };
    writeFileSync(path.join(folder, `.${MANIFEST}.tmp`), JSON.stringify(Manifest.parse({ export: exp, sha256 }), null, 2), { mode: 0o600 });
    renameSync(path.join(folder, `.${MANIFEST}.tmp`), path.join(folder, MANIFEST));
    return { ...exp, folder };
  }

  /** Past exports, newest first; a folder without a readable manifest is not listed. */
  list(): ExportReportResponse[] {
    const out: ExportReportResponse[] = [];
    for (const year of safeDir(this.reports_dir).filter((d) => /^\d{4}$/.test(d))) {
      for (const id of safeDir(path.join(this.reports_dir, year))) {
        const m = this.manifest(id);
        if (m) out.push({ ...m.export, folder: this.folder(m.export.export_id) });
      }
    }
    return out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0)).slice(0, TAX_EXPORTS_LIST_MAX);
  }

  /** The file's path when the export exists, lists the name, and the file on disk is that file. */
  file(export_id: string, name: string): { path: string; bytes: number } | null {
    const m = this.manifest(export_id);
    if (!m || !zReportFileName.safeParse(name).success) return null;
    const entry = m.export.files.find((f) => f.name === name);
    if (!entry) return null;
    const p = path.join(this.folder(m.export.export_id), entry.name);
    try {
      const st = statSync(p);
      if (!st.isFile() || st.size !== entry.bytes) return null;
    } catch {
      return null;
    }
    return { path: p, bytes: entry.bytes };
  }

  private folder(export_id: string): string {
    return path.join(this.reports_dir, export_id.slice(0, 4), export_id);
  }

  private manifest(export_id: string): z.infer<typeof Manifest> | null {
    if (!zExportId.safeParse(export_id).success) return null;
    try {
      const m = Manifest.safeParse(JSON.parse(readFileSync(path.join(this.folder(export_id), MANIFEST), 'utf8')));
      return m.success && m.data.export.export_id === export_id ? m.data : null;
    } catch {
      return null;
    }
  }
}

function safeDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
