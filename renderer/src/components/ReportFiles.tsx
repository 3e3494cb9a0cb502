// Past tax report exports with their "data as of", and their files to take away: in browser
// mode a download (POST /download/report with the export id and file name; the server checks
// both against the export's manifest), on the desktop the save dialog and "Show in folder".
import { useEffect, useState } from 'react';
import type { ExportReportResponse } from '../../../shared/contract/tax';
import { walletApi } from '../store';
import { dateTime, errorText } from '../format';

/** Where browser mode serves report files (electron/web/server.ts DOWNLOAD_PATH). */
const DOWNLOAD_PATH = '/download/report';

async function download(export_id: string, name: string): Promise<void> {
  const res = await fetch(DOWNLOAD_PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ export_id, name }), credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The download failed (${res.status}).`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ReportFiles({ host, refresh_key }: { host: 'desktop' | 'browser' | null; refresh_key: string | null }) {
  const [exports, setExports] = useState<ExportReportResponse[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    queueMicrotask(() => void walletApi().listTaxExports({}).then((r) => { if (live) setExports(r.exports); }, (err: unknown) => setMessage({ ok: false, text: errorText(err) })));
    return () => { live = false; };
  }, [refresh_key]);

  const act = async (f: () => Promise<string | null>) => {
    try {
      setMessage({ ok: true, text: (await f()) ?? '' });
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  if (exports.length === 0) return null;
  return (
    <section aria-labelledby="exports-title">
      <h2 className="section" id="exports-title">Your reports</h2>
      <table className="table" aria-label="Past exports" data-testid="past-exports">
        <thead><tr><th>Year</th><th>Written</th><th>Data as of</th><th className="text">Files</th></tr></thead>
        <tbody>
          {exports.map((e) => (
            <tr key={e.export_id} data-export-id={e.export_id}>
              <td>{e.year}</td>
              <td>{dateTime(e.created_at)}</td>
              <td className="small">{e.data_as_of}</td>
              <td className="files">
                {e.files.map((f) => host === 'desktop' ? (
                  <span key={f.name} className="file-actions">
                    <button type="button" className="chip" onClick={() => void act(async () => { const r = await walletApi().saveReportAs({ export_id: e.export_id, name: f.name }); return r.saved_to ? `Saved to ${r.saved_to}` : null; })}>Save {f.name}…</button>
                    <button type="button" className="chip" aria-label={`Show ${f.name} in folder`} onClick={() => void act(async () => { await walletApi().showReportInFolder({ export_id: e.export_id, name: f.name }); return null; })}>Show in folder</button>
                  </span>
                ) : (
                  <button key={f.name} type="button" className="chip" onClick={() => void act(async () => { await download(e.export_id, f.name); return null; })}>Download {f.name}</button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {message && message.text && <p className={message.ok ? 'muted' : 'error-text'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </section>
  );
}
