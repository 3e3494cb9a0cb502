import { useCallback, useEffect, useState } from 'react';
import { walletApi, useActivity } from '../store';
import { mergeEntries } from '../store/activity';
import { amountExact, dateTime, priceExact, qty } from '../format';
import { dec } from '../../../shared/money';
import { useTokenSymbol } from '../store/instrument';
import { reasonText, STATE_LABEL } from '../components/trade/order-words';
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
  order: 'Order',
};

/** "Trade: bought 40.00 CMPT at $0.0306 (taker)", "Order: buy limit 40.00 CMPT at $0.0306, filled". */
function whatText(e: Entries[number], token_symbol: string): string {
  const label = TYPE_LABEL[e.type] ?? e.type;
  const d = e.detail;
  if (!d) return label;
  if (d.kind === 'fill') return `${label}: ${d.side === 'buy' ? 'bought' : 'sold'} ${qty(d.quantity)} ${token_symbol} at ${priceExact(d.price_usd)} (${d.liquidity})`;
  const price = d.price_usd === null ? '' : ` at ${priceExact(d.price_usd)}`;
  const partly = d.status !== 'filled' && dec(d.filled_quantity).gt(0) ? `, ${qty(d.filled_quantity)} filled` : '';
  return `${label}: ${d.side} ${d.order_type} ${qty(d.quantity)} ${token_symbol}${price}, ${STATE_LABEL[d.status].toLowerCase()}${partly}${d.reason ? ` (${reasonText(d.reason)})` : ''}`;
}

/** The user's own side of an entry: postings to the wallet's asset accounts, exact, the token by its symbol. */
function ownChanges(e: Entries[number], token_symbol: string): string {
  const own = e.postings.filter((p) => p.account.startsWith('assets:'));
  if (own.length === 0) return '—';
  const unit = (c: string) => (c === 'TOKEN' ? token_symbol : c);
  return own.map((p) => `${p.amount.startsWith('-') ? '−' : '+'}${amountExact(p.amount.replace(/^-/, ''))} ${unit(p.commodity)}`).join(', ');
}

export function ActivityPage() {
  // Pushed by the main process as the ledger commits (store/activity.ts); older pages appended.
  const shown: Entries = useActivity((s) => s.entries);
  const symbol = useTokenSymbol();
  const more = useActivity((s) => s.more);
  const [mismatches, setMismatches] = useState<Mismatches>([]);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setMismatches((await walletApi().getMismatches({})).mismatches);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  // Mismatches are found by the sync engine's reconciliation, not pushed: read on opening the screen.
  useEffect(() => {
    queueMicrotask(() => void load());
  }, [load]);

  const loadOlder = async () => {
    const last = shown[shown.length - 1];
    if (!last) return;
    try {
      const page = await walletApi().getActivity({ limit: PAGE, before_id: last.id });
      useActivity.setState((s) => ({ entries: mergeEntries(s.entries, page.entries), more: page.entries.length === PAGE }));
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
              <td>{dateTime(e.time)}</td>
              <td>{whatText(e, symbol)}</td>
              <td className="num">{ownChanges(e, symbol)}</td>
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
