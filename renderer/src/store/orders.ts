// Orders store: our orders (by client_order_id) and live orders placed elsewhere (by the
// platform's order_id). Loaded once when the link connects; after that every `orders` push
// carries the changed orders themselves and is merged here (no refetch).
import { create } from 'zustand';
import type { MethodResponse, WalletEventPayload } from '../../../shared/contract/wallet-api';
import type { DomainBinding } from './session';
import { PushClock } from './push-clock';

export type OrderView = MethodResponse<'listOrders'>['orders'][number];
export type ExternalOrderView = MethodResponse<'listExternalOrders'>['orders'][number];

/** Our orders kept for the screen, newest first. */
export const ORDERS_KEPT_MAX = 1000;

interface OrdersState {
  /** Newest first (by queue_seq). */
  orders: OrderView[];
  external: ExternalOrderView[];
  sending_paused_until: string | null;
  loaded: boolean;
}

export const useOrders = create<OrdersState>(() => ({ orders: [], external: [], sending_paused_until: null, loaded: false }));

/** Merges changed orders into the list: the pushed view replaces the kept one (same id). */
export function mergeOrders(current: readonly OrderView[], changed: readonly OrderView[]): OrderView[] {
  if (changed.length === 0) return current as OrderView[];
  const by_id = new Map(current.map((o) => [o.client_order_id, o]));
  for (const o of changed) by_id.set(o.client_order_id, o);
  return [...by_id.values()].sort((a, b) => b.queue_seq - a.queue_seq).slice(0, ORDERS_KEPT_MAX);
}

export function applyOrdersPush(s: OrdersState, p: WalletEventPayload<'orders'>): Partial<OrdersState> {
  const ended = new Set(p.external_ended);
  const changed_ext = new Map(p.external.map((o) => [o.order_id, o]));
  const external = [...s.external.filter((o) => !ended.has(o.order_id) && !changed_ext.has(o.order_id)), ...changed_ext.values()].sort((a, b) =>
    b.updated_at.localeCompare(a.updated_at),
  );
  return { orders: mergeOrders(s.orders, p.orders), external, sending_paused_until: p.sending_paused_until };
}

const clock = new PushClock();
const LOAD_ATTEMPTS_MAX = 3;

export const ordersBinding: DomainBinding = {
  subscribe: (api) => [
    api.on('orders', clock.pushed((p) => useOrders.setState((s) => applyOrdersPush(s, p)))),
  ],
  load: async (api) => {
    // A load that raced a push is asked again (bounded): only an answer with no push in flight is whole.
    for (let attempt = 1; ; attempt++) {
      const r = await clock.load(() => Promise.all([api.listOrders({ limit: 200 }), api.listExternalOrders({})]));
      if (r.stale && attempt < LOAD_ATTEMPTS_MAX) continue;
      const [o, x] = r.value;
      useOrders.setState((s) => loadedOrders(s, o.orders, x.orders, r.stale));
      return;
    }
  },
};

/**
 * Applies a load's answer. Pushes carry only what changed, so an answer that raced a push
 * is merged with what the pushes set winning (they are newer), never dropped whole.
 */
export function loadedOrders(s: OrdersState, orders: readonly OrderView[], external: OrdersState['external'], stale: boolean): Partial<OrdersState> {
  if (!stale) return { orders: mergeOrders(s.orders, orders), external: [...external], loaded: true };
  const pushed_ext = new Set(s.external.map((o) => o.order_id));
  return { orders: mergeOrders([...orders], s.orders), external: [...s.external, ...external.filter((o) => !pushed_ext.has(o.order_id))], loaded: true };
}
