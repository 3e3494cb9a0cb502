// Market data is pushed only while the platform is reachable: offline, the book, the trades and
// the ticker keep their last values, and this tag says so (never a frozen price shown as live).
import { useOnline } from '../store';
import { time } from '../format';

/** "Offline: last known (as of TIME)" while not online; nothing while live. */
export function StaleTag({ as_of }: { as_of?: string | null }) {
  const live = useOnline();
  if (live) return null;
  return <span className="tag stale-tag warning-text" data-testid="stale-tag">offline: last known{as_of ? ` (as of ${time(as_of)})` : ''}</span>;
}
