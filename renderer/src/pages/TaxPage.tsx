import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { walletApi, useSession, useTax } from '../store';
import { civilDate, dateTime, errorText, qty, usd } from '../format';
import type { MethodRequest, MethodResponse } from '../../../shared/contract/wallet-api';
import { dec } from '../../../shared/money';
import { ReportFiles } from '../components/ReportFiles';

/** The report's "data as of" names a UTC instant for the files; on screen it follows the display settings. */
function asOfText(data_as_of: string): string {
  return data_as_of.replace(/\((\d{4}-\d{2}-\d{2}T[\d:.]+Z)\)/, (_, iso: string) => `(${dateTime(iso)})`);
}

type Summary = MethodResponse<'getTaxSummary'>;
const LOT_ORIGIN: Record<Summary['lots'][number]['source'], string> = { mint: 'minted', buy: 'bought', income: 'income' };
type WhatIf = MethodResponse<'whatIfSale'>;
type Exported = MethodResponse<'exportTaxReport'>;
type SettingsUpdate = MethodRequest<'updateTaxSettings'>;

const signClass = (x: string | null | undefined) => (x && dec(x).isNegative() ? 'neg' : 'pos');

export function TaxPage() {
  const thisYear = new Date().getUTCFullYear();
  const years = [thisYear, thisYear - 1, thisYear - 2];
  const [year, setYear] = useState(thisYear);
  // This year's figures are pushed by the live tax state (store/tax.ts); a past year is read when chosen.
  const live: Summary | null = useTax((s) => s.view?.summary ?? null);
  const [past, setPast] = useState<Summary | null>(null);
  const summary = year === thisYear ? live : past;
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<Exported | null>(null);
  const host = useSession((s) => s.info?.host ?? null);

  const load = useCallback(async () => {
    if (year === thisYear) return;
    try {
      setPast(await walletApi().getTaxSummary({ year }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [year, thisYear]);
  useEffect(() => {
    queueMicrotask(() => void load()); // state is set when the answer arrives, not in the effect
  }, [load]);

  const update = async (change: SettingsUpdate) => {
    try {
      useTax.setState({ settings: await walletApi().updateTaxSettings(change) });
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const exportReport = async () => {
    setExporting(true);
    setExported(null);
    try {
      setExported(await walletApi().exportTaxReport({ year }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setExporting(false);
    }
  };

  const s = summary?.settings;
  return (
    <section aria-labelledby="tax-title">
      <h1 id="tax-title">Taxes</h1>
      <div className="toolbar" role="group" aria-label="Report settings">
        <label>Year{' '}
          <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </label>
        <label>Lot method{' '}
          <select value={s?.method ?? 'fifo'} onChange={(e) => void update({ method: e.target.value as 'fifo' | 'lifo' | 'hifo' | 'specific' })} title="A change applies to later disposals only">
            <option value="fifo">FIFO</option><option value="lifo">LIFO</option><option value="hifo">HIFO</option><option value="specific">specific lots (chosen per sell)</option>
          </select>
        </label>
        <label>Minted tokens' basis{' '}
          <select value={s?.mint_basis ?? 'allocated'} onChange={(e) => void update({ mint_basis: e.target.value as 'allocated' | 'fmv' | 'zero' })}>
            <option value="allocated">allocated subscription cost</option><option value="fmv">market value (income)</option><option value="zero">zero</option>
          </select>
        </label>
        <label>Filing status{' '}
          <select value={s?.filing_status ?? 'single'} onChange={(e) => void update({ filing_status: e.target.value as 'single' | 'mfj' | 'mfs' | 'hoh' })}>
            <option value="single">single</option><option value="mfj">married filing jointly</option><option value="mfs">married filing separately</option><option value="hoh">head of household</option>
          </select>
        </label>
        <label><input type="checkbox" checked={s?.wash_sale ?? false} onChange={(e) => void update({ wash_sale: e.target.checked })} /> wash sales</label>
        <label><input type="checkbox" checked={s?.digital_asset ?? false} onChange={(e) => void update({ digital_asset: e.target.checked })} /> digital asset (boxes I/L)</label>
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      {summary && (
        <>
          <div className="cards">
            <article className="card"><h2>Short-term gain</h2><p className={`big ${signClass(summary.short_term.gain)}`} data-testid="short-term-gain">{usd(summary.short_term.gain)}</p><p className="muted">proceeds {usd(summary.short_term.proceeds)} · basis {usd(summary.short_term.cost)}</p></article>
            <article className="card"><h2>Long-term gain</h2><p className={`big ${signClass(summary.long_term.gain)}`}>{usd(summary.long_term.gain)}</p><p className="muted">proceeds {usd(summary.long_term.proceeds)} · basis {usd(summary.long_term.cost)}</p></article>
            <article className="card"><h2>Net (Schedule D line 16)</h2><p className={`big ${signClass(summary.line16)}`}>{usd(summary.line16)}</p><p className="muted">deductible loss (line 21) {usd(summary.line21)}</p></article>
            <article className="card"><h2>Carryover to next year</h2><p className="big">{usd(dec(summary.carryover_short_term).plus(dec(summary.carryover_long_term)).toFixed())}</p><p className="muted">short {usd(summary.carryover_short_term)} · long {usd(summary.carryover_long_term)}</p></article>
          </div>
          <p className="muted small">{summary.rows} Form 8949 row{summary.rows === 1 ? "" : "s"} from {summary.transactions} transaction{summary.transactions === 1 ? "" : "s"} · data as of {asOfText(summary.data_as_of)}{dec(summary.ordinary_income).isZero() ? '' : ` · ordinary income from mints ${usd(summary.ordinary_income)}`}</p>
          {summary.warnings.length > 0 && (
            <section className="card" aria-label="Lot warnings">
              <h2>Sales that did not use their chosen lots</h2>
              <ul data-testid="lot-warnings">
                {summary.warnings.map((w) => <li key={w.disposal_id}>{w.message}</li>)}
              </ul>
              {summary.warnings_truncated && <p className="muted small">More are listed in the report (schedule-d JSON, lot_warnings).</p>}
            </section>
          )}
          <div className="toolbar">
            <button type="button" className="chip" onClick={() => void exportReport()} disabled={exporting}>{exporting ? 'Writing the report…' : `Export ${year} report`}</button>
            {exported && <span className="pos" data-testid="export-result">Wrote {exported.files.length} files (data as of {asOfText(exported.data_as_of)}){host === 'desktop' ? ` to ${exported.folder}` : ''}: take them away below.</span>}
          </div>
          <ReportFiles host={host} refresh_key={exported?.export_id ?? null} />
          <WhatIfForm />
          <h2 className="section">Lots held now</h2>
          <table className="table" aria-label="Lots held">
            <thead><tr><th>Held since</th><th>Origin</th><th className="num">Quantity</th><th className="num">Basis</th><th className="num">Value</th><th className="num">Unrealized</th><th>Term</th><th className="num">Long-term in</th></tr></thead>
            <tbody>
              {summary.lots.map((l) => (
                <tr key={`${l.lot_id}:${l.piece}`}>
                  <td>{civilDate(l.holding_start)}</td>
                  <td>{LOT_ORIGIN[l.source]}</td>
                  <td className="num">{qty(l.quantity)}</td>
                  <td className="num">{usd(l.cost_basis)}</td>
                  <td className="num">{usd(l.fmv)}</td>
                  <td className={`num ${signClass(l.unrealized_gain)}`}>{usd(l.unrealized_gain)}</td>
                  <td>{l.term}</td>
                  <td className="num">{l.term === 'long' ? '—' : `${l.days_until_long_term} days`}</td>
                </tr>
              ))}
              {summary.lots.length === 0 && <tr><td colSpan={8} className="muted">No tokens held (or no market price yet).</td></tr>}
            </tbody>
          </table>
          <p className="muted small">A calculator, not tax advice. Minted tokens: {s?.mint_basis === 'allocated' ? 'basis is the part of your subscription cost allocated to the unused compute; no income.' : s?.mint_basis === 'fmv' ? 'treated as income at market value when minted; that value is the basis.' : 'zero basis and no income.'}</p>
        </>
      )}
    </section>
  );
}

function WhatIfForm() {
  const [quantity, setQuantity] = useState('');
  const [result, setResult] = useState<WhatIf | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      setResult(await walletApi().whatIfSale({ quantity: quantity.trim() }));
      setError(null);
    } catch (err) {
      setResult(null);
      setError(errorText(err));
    }
  };
  return (
    <form className="whatif" onSubmit={(e) => void submit(e)} aria-label="What if I sell">
      <label>What if I sell <input value={quantity} onChange={(e) => setQuantity(e.target.value)} inputMode="decimal" placeholder="tokens" size={10} /></label>
      <button type="submit" className="chip">Show</button>
      {error && <span className="error-text" role="alert">{error}</span>}
      {result && (
        <span data-testid="whatif-result">
          at {usd(result.price_usd, 4)} ({result.method.toUpperCase()}): proceeds {usd(result.proceeds)}, basis {usd(result.cost_basis)}, short-term{' '}
          <span className={signClass(result.short_term_gain)}>{usd(result.short_term_gain)}</span>, long-term{' '}
          <span className={signClass(result.long_term_gain)}>{usd(result.long_term_gain)}</span> from {result.portions.length} lot{result.portions.length === 1 ? '' : 's'}
        </span>
      )}
    </form>
  );
}
