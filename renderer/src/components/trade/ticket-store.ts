// The order ticket's draft, in a store so other panels can fill it: a click on an order-book
// level sets the price (and, with Shift, the size). UI state only; nothing here is persisted.
import { create } from 'zustand';
import type { TicketDraft } from './ticket';

export const DEFAULT_SEND_WITHIN_HOURS = '24';

interface TicketState {
  draft: TicketDraft;
  /** Bumped when another panel fills the ticket, so the ticket can show what changed. */
  filled_from_book: number;
  set(patch: Partial<TicketDraft>): void;
  fillFromBook(price: string, quantity?: string): void;
  reset(): void;
}

const EMPTY: TicketDraft = {
  side: 'buy',
  type: 'limit',
  quantity: '',
  price: '',
  time_in_force: 'GTC',
  post_only: false,
  send_within_hours: DEFAULT_SEND_WITHIN_HOURS,
  good_till_ms: null,
};

export const useTicket = create<TicketState>((set) => ({
  draft: EMPTY,
  filled_from_book: 0,
  set: (patch) => set((s) => ({ draft: { ...s.draft, ...patch } })),
  fillFromBook: (price, quantity) =>
    set((s) => ({
      draft: { ...s.draft, type: 'limit', time_in_force: s.draft.type === 'market' ? 'GTC' : s.draft.time_in_force, price, ...(quantity ? { quantity } : {}) },
      filled_from_book: s.filled_from_book + 1,
    })),
  // Keeps side, type and time choices: a trader placing a series of orders wants them kept.
  reset: () => set((s) => ({ draft: { ...s.draft, quantity: '', lot_picks: {} } })),
}));
