// Browser mode serves past report files for download with the API's checks (token, Origin,
// JSON POST) and only by export id + file name listed in that export's manifest: no path
// from the browser ever reaches the file system.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOWNLOAD_PATH, startWebHost, type WebHost } from '../../electron/web/server.js';
import { WalletEventBus } from '../../electron/api/events.js';
import { ReportExports } from '../../electron/app/report-exports.js';
import { sampleHandlers } from './sample-handlers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-dl-'));
const exportsStore = new ReportExports(path.join(dir, 'reports'));
const pdf = Buffer.from('%PDF-1.7\n% test\n');
const written = exportsStore.write(2025, [{ name: 'gains-report-2025.pdf', content: pdf }, { name: 'form8949-2025.csv', content: 'a,b\n' }], 'ledger event #42', new Date('2026-03-04T10:15:00.123Z'));
let host: WebHost;

function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method: 'POST', path: DOWNLOAD_PATH, headers: { Cookie: `cw_token=${host.token}`, Origin: host.origin, 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

beforeAll(async () => {
  host = await startWebHost({ handlers: sampleHandlers(), events: new WalletEventBus(), renderer_dir: dir, port: 0, reportFile: (id, name) => exportsStore.file(id, name) });
});
afterAll(async () => {
  await host.close();
});

describe('report downloads in browser mode', () => {
  it('the export is listed with its data as of, in its own folder', () => {
    expect(written.export_id).toBe('2025-20260304T101500123Z');
    expect(written.folder).toBe(path.join(dir, 'reports', '2025', '2025-20260304T101500123Z'));
    expect(exportsStore.list().map((e) => [e.export_id, e.data_as_of, e.files.map((f) => f.name)])).toEqual([['2025-20260304T101500123Z', 'ledger event #42', ['gains-report-2025.pdf', 'form8949-2025.csv']]]);
  });

  it('serves a listed file as an attachment, starting with %PDF', async () => {
    const res = await post({ export_id: written.export_id, name: 'gains-report-2025.pdf' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="gains-report-2025.pdf"');
    expect(res.body.subarray(0, 4).toString()).toBe('%PDF');
  });

  it('refuses without the token, without or with a foreign Origin, and as a GET', async () => {
    const body = { export_id: written.export_id, name: 'gains-report-2025.pdf' };
    expect((await post(body, { Cookie: 'cw_token=wrong' })).status).toBe(401);
    expect((await post(body, { Origin: 'http://evil.example' })).status).toBe(403);
    const noOrigin = await new Promise<number>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: host.port, method: 'POST', path: DOWNLOAD_PATH, headers: { Cookie: `cw_token=${host.token}`, 'Content-Type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.end(JSON.stringify(body));
    });
    expect(noOrigin).toBe(403);
    expect((await post(body, { 'Content-Type': 'text/plain' })).status).toBe(415);
  });

  it('never takes a path: bad names and ids are refused, unlisted files are not found', async () => {
    for (const name of ['../../../etc/passwd', 'manifest.json/..', '.gains-report-2025.pdf.tmp', 'x/gains.pdf']) {
      expect((await post({ export_id: written.export_id, name })).status, name).toBe(400);
    }
    expect((await post({ export_id: '../2025', name: 'gains-report-2025.pdf' })).status).toBe(400);
    expect((await post({ export_id: written.export_id, name: 'export.json' })).status).toBe(404); // the export's index is not listed in itself
    writeFileSync(path.join(written.folder, 'extra-2025.csv'), 'x');
    expect((await post({ export_id: written.export_id, name: 'extra-2025.csv' })).status).toBe(404); // on disk, not in the manifest
    expect((await post({ export_id: '2025-20260304T101500124Z', name: 'gains-report-2025.pdf' })).status).toBe(404);
    expect((await post({ export_id: written.export_id, name: 'gains-report-2025.pdf', extra: 1 })).status).toBe(400);
  });

  it('a file changed on disk since the export (other size) is not served', async () => {
    writeFileSync(path.join(written.folder, 'form8949-2025.csv'), 'a,b\nc,d\n');
    expect((await post({ export_id: written.export_id, name: 'form8949-2025.csv' })).status).toBe(404);
  });
});
