// The Trade workspace's remembered choices, kept by the wallet's preferences (so they survive
// restarts in every host): whether orders are confirmed before sending, and panel sizes. A
// layout is stored as sizes in the order of its group's panel ids (PANEL_ORDER).
import { useCallback } from 'react';
import { usePreferences } from '../../store/preferences';

/** Panel sizes (percent) of one resizable group, by panel id. */
export type PanelLayout = Record<string, number>;

/** The panels of each group, in the order their sizes are stored. */
export const PANEL_ORDER: Record<string, readonly string[]> = {
  'trade-main': ['trade-left', 'trade-ticket'],
  'trade-rows': ['trade-top', 'trade-orders'],
  // Three panels until the ticket moved to its own full-height column: a stored three-size layout no longer matches and is ignored.
  'trade-cols': ['trade-market', 'trade-chart'],
  'trade-side': ['trade-book', 'trade-trades'],
};

const report = (err: unknown) => console.warn('preferences not saved:', err);

export function useConfirmOrders(): [boolean, (v: boolean) => void] {
  const on = usePreferences((s) => s.prefs.confirm_orders);
  const update = usePreferences((s) => s.update);
  const set = useCallback((v: boolean) => void update({ confirm_orders: v }).catch(report), [update]);
  return [on, set];
}

/** Sizes as stored → by panel id; undefined when absent or not matching the group's panels. */
export function layoutFromSizes(group: string, sizes: readonly number[] | undefined): PanelLayout | undefined {
  const ids = PANEL_ORDER[group];
  if (!ids || !sizes || sizes.length !== ids.length) return undefined;
  return Object.fromEntries(ids.map((id, i) => [id, sizes[i]!]));
}

export function sizesFromLayout(group: string, layout: PanelLayout): number[] {
  const ids = PANEL_ORDER[group];
  if (!ids) throw new Error(`unknown panel group ${group}`);
  // Stored with 0.1 % resolution: the bounds check is 0..100.
  return ids.map((id) => Math.min(100, Math.max(0, Math.round((layout[id] ?? 0) * 10) / 10)));
}

export function useSavedLayout(group: string): [PanelLayout | undefined, (l: PanelLayout | null) => void] {
  const sizes = usePreferences((s) => s.prefs.layouts[group]);
  const update = usePreferences((s) => s.update);
  const save = useCallback(
    (l: PanelLayout | null) => void update({ layouts: { [group]: l ? sizesFromLayout(group, l) : null } }).catch(report),
    [group, update],
  );
  return [layoutFromSizes(group, sizes), save];
}

/** Forgets every workspace layout (one update); resolves once the wallet has stored it. */
export function useResetLayouts(): () => Promise<void> {
  const update = usePreferences((s) => s.update);
  return useCallback(async () => {
    await update({ layouts: Object.fromEntries(Object.keys(PANEL_ORDER).map((g) => [g, null])) });
  }, [update]);
}
