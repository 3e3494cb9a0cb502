// Portfolio store: balances from the local ledger, pushed by the main process once per change.
import { create } from 'zustand';
import type { Portfolio } from '../../../shared/contract/wallet-api';
import type { DomainBinding } from './session';

export const usePortfolio = create<{ portfolio: Portfolio | null }>(() => ({ portfolio: null }));

export const portfolioBinding: DomainBinding = {
  subscribe: (api) => [api.on('portfolio', (portfolio) => usePortfolio.setState({ portfolio }))],
  load: async (api) => usePortfolio.setState({ portfolio: await api.getPortfolio({}) }),
};
