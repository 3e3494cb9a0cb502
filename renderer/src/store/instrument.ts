// The token's one name (symbol and display name), as the platform's instrument gives it.
// Every screen takes the name from here; until it is known, the plain word "tokens".
import { create } from 'zustand';
import type { InstrumentView } from '../../../shared/contract/compute';
import type { WalletApi } from '../../../shared/contract/wallet-api';

interface InstrumentState {
  instrument: InstrumentView | null;
  load(api: WalletApi): Promise<void>;
}

export const useInstrument = create<InstrumentState>((set) => ({
  instrument: null,
  load: async (api) => {
    try {
      set({ instrument: (await api.getInstrument({})).instrument });
    } catch {
      // keep what we had; the screens say "tokens" meanwhile
    }
  },
}));

/** "CMPT" once known, else "tokens". */
export function useTokenSymbol(): string {
  return useInstrument((s) => s.instrument?.base_symbol ?? 'tokens');
}

/** "Compute token (CMPT)" once known. */
export function useTokenTitle(): string {
  return useInstrument((s) => (s.instrument ? `${s.instrument.display_name} (${s.instrument.base_symbol})` : 'Token'));
}

/** "Compute token · CMPT/USD" once known. */
export function useMarketTitle(): string {
  return useInstrument((s) => (s.instrument ? `${s.instrument.display_name} · ${s.instrument.base_symbol}/USD` : 'Market'));
}
