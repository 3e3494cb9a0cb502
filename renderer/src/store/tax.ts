// Tax store: this year's figures and the holdings by origin, as the main process's live tax
// state holds them; pushed (`tax`) after every batch that changes them, loaded once on connect.
import { create } from 'zustand';
import type { MethodResponse, WalletEventPayload } from '../../../shared/contract/wallet-api';
import { message, type DomainBinding } from './session';
import { PushClock } from './push-clock';

export type TaxView = WalletEventPayload<'tax'>;

export type TaxSettings = MethodResponse<'getTaxSettings'>;

/** `settings`: the tax settings, read on connect and replaced by what updateTaxSettings returns
 *  (this wallet is their only writer: one process per data folder). */
export const useTax = create<{ view: TaxView | null; error: string | null; settings: TaxSettings | null }>(() => ({ view: null, error: null, settings: null }));

const clock = new PushClock();

export const taxBinding: DomainBinding = {
  subscribe: (api) => [
    api.on('tax', clock.pushed((view) => useTax.setState({ view, error: null }))),
  ],
  load: async (api) => {
    try {
      const [view, settings] = await Promise.all([clock.load(() => api.getTaxView({})), api.getTaxSettings({})]);
      useTax.setState(view.stale ? { settings, error: null } : { view: view.value, settings, error: null });
    } catch (err) {
      useTax.setState({ error: message(err) });
    }
  },
};
