// Compute store: the subscription view (plan, period credits, election), pushed after every
// compute event the ledger applies; loaded once when the link connects.
import { create } from 'zustand';
import type { MethodResponse, WalletApi } from '../../../shared/contract/wallet-api';
import { message, useSession, type DomainBinding } from './session';
import { PushClock } from './push-clock';

type Subscription = MethodResponse<'getSubscription'>;

interface ComputeState {
  subscription: Subscription | null;
  error: string | null;
}

export const useCompute = create<ComputeState>(() => ({ subscription: null, error: null }));

const clock = new PushClock();

/** Reads the subscription (live when online, else the copy last fetched); a push meanwhile wins. */
export async function loadSubscription(api: WalletApi): Promise<void> {
  try {
    const r = await clock.load(() => api.getSubscription({}));
    if (!r.stale) useCompute.setState({ subscription: r.value, error: null });
  } catch (err) {
    useCompute.setState({ error: message(err) }); // offline with nothing stored, or no API key
  }
}

export const computeBinding: DomainBinding = {
  subscribe: (api) => {
    // Compute events push the view; a (re)connection to the platform is not an event, so the
    // store reads it when the wallet comes online.
    let was_online = useSession.getState().status?.state === 'online';
    return [
      api.on('compute', clock.pushed((subscription) => useCompute.setState({ subscription, error: null }))),
      api.on('status', (s) => {
        const online = s.state === 'online';
        if (online && !was_online) void loadSubscription(api);
        was_online = online;
      }),
    ];
  },
  // Before the first connection there may be nothing to show yet: the Compute screen asks
  // itself when opened offline (it then says why there is nothing).
  load: async (api) => {
    if (useSession.getState().status?.state === 'online') await loadSubscription(api);
  },
};
