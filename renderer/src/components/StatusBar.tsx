import { useNow } from './use-now';
import { useSession as useWallet, walletApi } from '../store';
import { timeAgo } from '../format';

const LABEL = { online: 'Online', offline: 'Offline', syncing: 'Syncing' } as const;

export function StatusBar() {
  const status = useWallet((s) => s.status);
  const linked = useWallet((s) => s.backend_connected);
  const loadError = useWallet((s) => s.load_error);
  const now = useNow(1000);

  const state = !linked ? 'offline' : (status?.state ?? 'syncing');
  return (
    <footer className="statusbar" data-testid="connection-status" data-state={state}>
      <span className={`dot dot-${state}`} aria-hidden="true" />
      {/* Only the connection state is announced (politely, when it changes); "last synced"
          ticks every second and must not be read out each time. */}
      <strong role="status">{!linked ? 'Wallet service unreachable' : LABEL[state]}</strong>
      {status && linked && (
        <>
          <span className="sep">·</span>
          <span>{status.demo ? 'Demo platform' : 'Platform'} {status.platform_url}</span>
          <span className="sep">·</span>
          {/* Online with nothing behind, the live feed delivers each event as it happens: an
              age since the last catch-up would read as stale while nothing is. */}
          <span data-testid="sync-freshness">{state === 'online' && status.events_behind === 0 ? 'Up to date (live)' : `Last synced ${timeAgo(status.last_synced_at, now)}`}</span>
          {status.events_behind > 0 && (
            <>
              <span className="sep">·</span>
              <span>{status.events_behind} events behind</span>
            </>
          )}
          {status.open_mismatches > 0 && (
            <>
              <span className="sep">·</span>
              <span className="error-text">{status.open_mismatches} balance mismatch{status.open_mismatches === 1 ? '' : 'es'} (see Activity)</span>
            </>
          )}
          {status.last_error && (
            <>
              <span className="sep">·</span>
              <span className="error-text">{status.last_error}</span>
            </>
          )}
          {state === 'offline' && (
            // The engine retries on its own, waiting longer each time (up to 30 s): this tries now.
            <button type="button" className="chip statusbar-retry" onClick={() => void walletApi().retryConnection({}).catch(() => undefined)}>Retry now</button>
          )}
        </>
      )}
      {loadError && linked && <span className="error-text"> · {loadError}</span>}
    </footer>
  );
}
