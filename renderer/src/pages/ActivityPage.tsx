import { useCallback, useEffect, useState } from 'react';
import { walletApi, useWallet } from '../store';
import { qty } from '../format';
import type { MethodResponse } from '../../../shared/contract/wallet-api';

type Entries = MethodResponse<'getActivity'>['entries'];
type Mismatches = MethodResponse<'getMismatches'>['mismatches'];
type Verify = MethodResponse<'verifyLedger'>;

/** Journal entries per page. */
const PAGE = 100;

const TYPE_LABEL: Record<string, string> = {
  period_open: 'Period opened',
  usage: 'Compute used',
  period_close: 'Period closed',
  mint: 'Tokens minted',
  renewal_credit: 'Renewal credit',
  redemption: 'Tokens redeemed',
  deposit: 'Deposit',
  withdrawal: 'Withdrawal',
  fill: 'Trade',
  fee: 'Fee',
  order: 'Order update',
};

/** The user's own side of an entry: postings to the wallet's asset accounts. */
function ownChanges(e: Entries[number]): string {
  const own = e.postings.filter((p) => p.account.startsWith('assets:'));
  if (own.length === 0) return '—';
  return own.map((p) => `${p.amount.startsWith('-') ? '−' : '+'}${qty(p.amount.replace(/^-/, ''))} ${p.commodity}`).join(', ');
}

export function ActivityPage() {
  const portfolio = useWallet((s) => s.portfolio);
  const [entries, setEntries] = useState<Entries>([]);
  /** Older pages the user asked for (dropped when the ledger moves and the first page reloads). */
  const [older, setOlder] = useState<Entries>([]);
  const [more, setMore] = useState(true);
  const [mismatches, setMismatches] = useState<Mismatches>([]);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [a, m] = await Promise.all([walletApi().getActivity({ limit: PAGE }), walletApi().getMismatches({})]);
      setEntries(a.entries);
      setOlder([]);
      setMore(a.entries.length === PAGE);
      setMismatches(m.mismatches);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  // Reload whenever the ledger moves (the portfolio event carries its cursor).
  const cursor = portfolio?.as_of_seq;
  useEffect(() => {
    queueMicrotask(() => void load());
  }, [cursor, load]);

  const shown = [...entries, ...older];
  const loadOlder = async () => {
    const last = shown[shown.length - 1];
    if (!last) return;
    try {
      const page = await walletApi().getActivity({ limit: PAGE, before_id: last.id });
      setOlder((o) => [...o, ...page.entries]);
      setMore(page.entries.length === PAGE);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const runVerify = async () => {
    setBusy(true);
    try {
      setVerify(await walletApi().verifyLedger({}));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const open = mismatches.filter((m) => m.resolved_at === null);
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      {open.length > 0 && (
        <div className="warning" role="alert" data-testid="mismatches">
          <strong>The platform's balances differ from your ledger.</strong> Your ledger is kept as it is; nothing was overwritten.
          <ul>
            {open.map((m) => (
              <li key={m.id}>
                {m.account} {m.commodity}: ledger {m.local_amount}, platform {m.platform_amount} (as of event #{m.as_of_seq}). {m.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="chip" onClick={() => void runVerify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify ledger'}
        </button>
        {verify && (
          <span data-testid="verify-result" className={verify.ok ? 'pos' : 'neg'}>
            {verify.ok
              ? `All invariants hold: ${verify.entries} entries, events 1–${verify.cursor_seq}, ${verify.quarantined} quarantined.`
              : `${verify.problems.length} problem(s): ${verify.problems.map((p) => p.message).join('; ')}`}
          </span>
        )}
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      <table className="table" aria-label="Journal">
        <thead>
          <tr><th>#</th><th>Time</th><th>What</th><th>Change to your balances</th></tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id}>
              <td className="muted">{e.seq ?? `rev ${e.reverses}`}</td>
              <td>{new Date(e.time).toLocaleString()}</td>
              <td>{TYPE_LABEL[e.type] ?? e.type}</td>
              <td className="num">{ownChanges(e)}</td>
            </tr>
          ))}
          {shown.length === 0 && (
            <tr><td colSpan={4} className="muted">No entries yet.</td></tr>
          )}
        </tbody>
      </table>
      {more && shown.length > 0 && (
        <button type="button" className="chip" onClick={() => void loadOlder()} data-testid="journal-older">
          Show older entries
        </button>
      )}
    </section>
  );
}
