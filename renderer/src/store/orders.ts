// Orders store: our orders (by client_order_id) and live orders placed elsewhere (by the
// platform's order_id). Loaded once when the link connects; after that every `orders` push
// carries the changed orders themselves and is merged here (no refetch).
import { create } from 'zustand';
import type { MethodResponse, WalletEventPayload } from '../../../shared/contract/wallet-api';
import type { DomainBinding } from './session';

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

export const ordersBinding: DomainBinding = {
  subscribe: (api) => [api.on('orders', (p) => useOrders.setState((s) => applyOrdersPush(s, p)))],
  load: async (api) => {
    const [o, x] = await Promise.all([api.listOrders({ limit: 200 }), api.listExternalOrders({})]);
    useOrders.setState((s) => ({ orders: mergeOrders(s.orders, o.orders), external: x.orders, loaded: true }));
  },
};
