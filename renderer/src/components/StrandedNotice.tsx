// Orders and redemptions left in an archived ledger (after a change of platform account or
// API key): shown until the user sends each with the new key or cancels it. Renders nothing
// when there is nothing waiting. Self-contained: it talks to the wallet API directly.
import { useCallback, useEffect, useState } from 'react';
import type { StrandedList } from '../../../shared/contract/stranded';
import { getWallet } from '../api/wallet';

/** This component does not follow the backend link (the status bar does). */
const ignoreLink = () => {};

export function StrandedNotice() {
  const [list, setList] = useState<StrandedList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wallet = getWallet(ignoreLink);

  const load = useCallback(() => {
    wallet.listStranded({}).then(setList, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [wallet]);
  useEffect(load, [load]);

  if (!list || list.waiting === 0) return error ? <p className="error-text" role="alert">{error}</p> : null;
  const act = (kind: 'order' | 'redemption', id: string, action: 'send' | 'cancel') => {
    setBusy(true);
    setError(null);
    wallet
      .resolveStranded({ kind, id, action })
      .then(load, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return (
    <section className="warning" role="alert" aria-labelledby="stranded-title" data-testid="stranded">
      <h2 id="stranded-title">Left in an archived ledger</h2>
      <p>
        The wallet now follows another platform account or API key, so the previous ledger was archived. These were not
        sent; choose for each.{!list.send_allowed && list.send_blocked_reason ? ` ${list.send_blocked_reason}` : ''}
      </p>
      <ul>
        {list.items
          .filter((i) => i.status === 'waiting')
          .map((i) => (
            <li key={`${i.kind}:${i.id}`}>
              {i.kind === 'order' ? 'Order' : 'Redemption'} {i.summary} ({i.state_when_archived} when archived){' '}
              <button type="button" disabled={busy || !list.send_allowed} onClick={() => act(i.kind, i.id, 'send')}>
                Send with the new key
              </button>{' '}
              <button type="button" disabled={busy} onClick={() => act(i.kind, i.id, 'cancel')}>
                Cancel
              </button>
            </li>
          ))}
      </ul>
      {error && <p className="error-text">{error}</p>}
    </section>
  );
}
