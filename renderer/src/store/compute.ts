// Compute store: the subscription view (plan, period credits, election), pushed after every
// compute event the ledger applies; loaded once when the link connects.
import { create } from 'zustand';
import type { MethodResponse } from '../../../shared/contract/wallet-api';
import { message, type DomainBinding } from './session';

type Subscription = MethodResponse<'getSubscription'>;

interface ComputeState {
  subscription: Subscription | null;
  error: string | null;
}

export const useCompute = create<ComputeState>(() => ({ subscription: null, error: null }));

export const computeBinding: DomainBinding = {
  subscribe: (api) => [api.on('compute', (subscription) => useCompute.setState({ subscription, error: null }))],
  load: async (api) => {
    try {
      useCompute.setState({ subscription: await api.getSubscription({}), error: null });
    } catch (err) {
      useCompute.setState({ error: message(err) }); // offline with nothing stored, or no API key
    }
  },
};
