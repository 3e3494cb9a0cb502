// Session store: which page is shown, the link to the wallet service, app info and the
// platform connection status. It owns the WalletApi handle and starts every domain store.
import { create } from 'zustand';
import type { AppInfo, ConnectionStatus, WalletApi } from '../../../shared/contract/wallet-api';
import { getWallet } from '../api/wallet';
import { PushClock } from './push-clock';

export type Page = 'overview' | 'markets' | 'trade' | 'activity' | 'tax' | 'compute' | 'settings';
export const PAGES: { id: Page; label: string; key: string }[] = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'markets', label: 'Markets', key: '2' },
  { id: 'trade', label: 'Trade', key: '3' },
  { id: 'activity', label: 'Activity', key: '4' },
  { id: 'tax', label: 'Taxes', key: '5' },
  { id: 'compute', label: 'Compute', key: '6' },
  { id: 'settings', label: 'Settings', key: '9' },
];

interface SessionState {
  page: Page;
  /** The renderer's link to the wallet service (IPC or loopback socket). */
  backend_connected: boolean;
  info: AppInfo | null;
  status: ConnectionStatus | null;
  load_error: string | null;
  setPage(page: Page): void;
}

let wallet: WalletApi | null = null;
export function walletApi(): WalletApi {
  if (!wallet) throw new Error('wallet API used before start()');
  return wallet;
}

export const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useSession = create<SessionState>((set) => ({
  page: 'overview',
  backend_connected: false,
  info: null,
  status: null,
  load_error: null,
  setPage: (page) => set({ page }),
}));

/** The platform is reachable and the wallet synced with it: what every "live or last known?" question asks. */
export function useOnline(): boolean {
  return useSession((s) => s.status?.state === 'online');
}

/** A domain store's link to the wallet: subscribe to its pushed events, and load its state
 *  once when the link (re)connects (a reconnect may have missed pushes). */
export interface DomainBinding {
  subscribe(api: WalletApi): (() => void)[];
  load(api: WalletApi): Promise<void>;
}

/** Connects to the wallet service and binds every domain store. Returns the cleanup. */
export function startSession(domains: readonly DomainBinding[]): () => void {
  const set = useSession.setState;
  const status_clock = new PushClock();
  const loadAll = async (api: WalletApi) => {
    try {
      const [info, status] = await Promise.all([api.getAppInfo({}), status_clock.load(() => api.getStatus({}))]);
      // A status pushed meanwhile is newer: pushes come only on change, so a stale answer would stay.
      set(status.stale ? { info, load_error: null } : { info, status: status.value, load_error: null });
      await Promise.all(domains.map((d) => d.load(api)));
    } catch (err) {
      set({ load_error: message(err) });
    }
  };
  const api = getWallet((connected) => {
    set({ backend_connected: connected });
    if (connected && wallet) void loadAll(wallet);
  });
  wallet = api;
  const offs = [
    api.on('status', status_clock.pushed((status) => set({ status }))),
    ...domains.flatMap((d) => d.subscribe(api))];
  void loadAll(api);
  return () => offs.forEach((off) => off());
}
