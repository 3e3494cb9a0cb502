// Tax store: this year's figures and the holdings by origin, as the main process's live tax
// state holds them; pushed (`tax`) after every batch that changes them, loaded once on connect.
import { create } from 'zustand';
import type { WalletEventPayload } from '../../../shared/contract/wallet-api';
import { message, type DomainBinding } from './session';

export type TaxView = WalletEventPayload<'tax'>;

export const useTax = create<{ view: TaxView | null; error: string | null }>(() => ({ view: null, error: null }));

export const taxBinding: DomainBinding = {
  subscribe: (api) => [api.on('tax', (view) => useTax.setState({ view, error: null }))],
  load: async (api) => {
    try {
      useTax.setState({ view: await api.getTaxView({}), error: null });
    } catch (err) {
      useTax.setState({ error: message(err) });
    }
  },
};
