// The desktop's "save as" and "show in folder" for report files, through the same handlers
// the shell uses (with the shell's dialog replaced by a stand-in): the file is copied where
// the user chose, nothing happens when the dialog is canceled, and only files listed in an
// export's manifest are reachable. Browser mode (no desktop hooks) is told to download.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { upFrontHandlers, type DesktopHooks } from '../../electron/app/handlers-up-front.js';
import { ReportExports } from '../../electron/app/report-exports.js';
import { NotificationService } from '../../electron/services/notifications/index.js';
import { InstrumentCache } from '../../electron/app/instrument.js';
import type { TaxService } from '../../electron/app/tax-service.js';
import { WalletApiError } from '../../shared/contract/wallet-api.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-save-'));
const store = new ReportExports(path.join(dir, 'reports'));
const exp = store.write(2025, [{ name: 'gains-report-2025.pdf', content: '%PDF-1.7 test' }], 'ledger event #7', new Date('2026-02-01T00:00:00.000Z'));
// Only what the handlers use of the tax service: its export list and file lookup.
const tax = {
  listExports: () => ({ exports: store.list() }),
  reportFile: (id: string, name: string) => {
    const f = store.file(id, name);
    if (!f) throw new WalletApiError('not_found', `No file ${name} in export ${id}.`);
    return f;
  },
} as unknown as TaxService;
const db = new Database(':memory:');
afterAll(() => db.close());
const base = { tax, instrument: new InstrumentCache(null, path.join(dir, 'instrument.json')), notifications: new NotificationService({ db, initial_cursor_seq: 0, symbol: () => 'CMPT' }), period: null };
const pass = <T>(f: () => Promise<T>) => f();

function desktop(answer: string | null): DesktopHooks & { shown: string[] } {
  const shown: string[] = [];
  return { shown, askSavePath: async () => answer, showInFolder: (p) => shown.push(p) };
}

describe('report files on the desktop', () => {
  it('copies the file where the save dialog says', async () => {
    const target = path.join(dir, 'chosen', '..', 'my-gains.pdf');
    const h = upFrontHandlers({ ...base, desktop: desktop(target) }, pass);
    expect(await h.saveReportAs({ export_id: exp.export_id, name: 'gains-report-2025.pdf' })).toEqual({ saved_to: target });
    expect(readFileSync(target, 'utf8')).toBe('%PDF-1.7 test');
  });

  it('a canceled dialog saves nothing', async () => {
    const h = upFrontHandlers({ ...base, desktop: desktop(null) }, pass);
    expect(await h.saveReportAs({ export_id: exp.export_id, name: 'gains-report-2025.pdf' })).toEqual({ saved_to: null });
  });

  it('shows a listed file in its folder; an unlisted one is not found and nothing is shown', async () => {
    const d = desktop(null);
    const h = upFrontHandlers({ ...base, desktop: d }, pass);
    await h.showReportInFolder({ export_id: exp.export_id, name: 'gains-report-2025.pdf' });
    expect(d.shown).toEqual([path.join(exp.folder, 'gains-report-2025.pdf')]);
    await expect(h.showReportInFolder({ export_id: exp.export_id, name: 'form8949-2025.csv' })).rejects.toMatchObject({ code: 'not_found' });
    expect(d.shown).toHaveLength(1);
  });

  it('browser mode has no dialog: it is told to download', async () => {
    const h = upFrontHandlers({ ...base, desktop: null }, pass);
    await expect(h.saveReportAs({ export_id: exp.export_id, name: 'gains-report-2025.pdf' })).rejects.toMatchObject({ code: 'desktop_only' });
    expect(existsSync(path.join(dir, 'gains-report-2025.pdf'))).toBe(false);
  });
});
