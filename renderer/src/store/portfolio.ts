// Portfolio store: balances from the local ledger, pushed by the main process once per change.
import { create } from 'zustand';
import type { Portfolio } from '../../../shared/contract/wallet-api';
import type { DomainBinding } from './session';
import { PushClock } from './push-clock';

export const usePortfolio = create<{ portfolio: Portfolio | null }>(() => ({ portfolio: null }));

const clock = new PushClock();

export const portfolioBinding: DomainBinding = {
  subscribe: (api) => [
    api.on('portfolio', clock.pushed((portfolio) => usePortfolio.setState({ portfolio }))),
  ],
  load: async (api) => {
    const r = await clock.load(() => api.getPortfolio({}));
    if (!r.stale) usePortfolio.setState({ portfolio: r.value }); // else the push is newer and whole
  },
};
