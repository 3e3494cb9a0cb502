// The Trade workspace's remembered choices: whether orders are confirmed before sending, and
// the panel sizes. Kept by the wallet (preferences), so they survive restarts in every host.
import { useCallback, useSyncExternalStore } from 'react';

// Until the wallet's preferences store lands, these are kept in localStorage.
const KEY = 'cw.trade.';
const listeners = new Set<() => void>();
const read = (k: string): string | null => {
  try {
    return localStorage.getItem(KEY + k);
  } catch {
    return null;
  }
};
const write = (k: string, v: string | null) => {
  try {
    if (v === null) localStorage.removeItem(KEY + k);
    else localStorage.setItem(KEY + k, v);
  } catch {
    // storage unavailable: the choice lasts this session only
  }
  for (const l of listeners) l();
};
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useConfirmOrders(): [boolean, (v: boolean) => void] {
  const v = useSyncExternalStore(subscribe, () => read('confirm') !== 'false');
  const setV = useCallback((on: boolean) => write('confirm', on ? null : 'false'), []);
  return [v, setV];
}

/** Panel sizes (percent) of one resizable group, by panel id; undefined: the defaults. */
export type PanelLayout = Record<string, number>;

export function useSavedLayout(group: string): [PanelLayout | undefined, (l: PanelLayout | null) => void] {
  const raw = useSyncExternalStore(subscribe, () => read(`layout.${group}`));
  let layout: PanelLayout | undefined;
  try {
    layout = raw ? (JSON.parse(raw) as PanelLayout) : undefined;
  } catch {
    layout = undefined;
  }
  const save = useCallback((l: PanelLayout | null) => write(`layout.${group}`, l ? JSON.stringify(l) : null), [group]);
  return [layout, save];
}
