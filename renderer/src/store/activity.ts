// Activity store: the newest journal entries, kept current by `activity` pushes (merged by
// entry id, newest first); older pages are appended when the user pages back.
import { create } from 'zustand';
import type { ActivityEntry } from '../../../shared/contract/wallet-api';
import type { DomainBinding } from './session';

/** Entries kept at the top by pushes; paging back can hold more. */
export const ACTIVITY_LIVE_MAX = 500;

interface ActivityState {
  entries: ActivityEntry[];
  /** False once paging back reached the first entry. */
  more: boolean;
}

export const useActivity = create<ActivityState>(() => ({ entries: [], more: true }));

/** Merges entries by id, newest first (an entry is immutable: the newer copy is the same). */
export function mergeEntries(current: readonly ActivityEntry[], incoming: readonly ActivityEntry[]): ActivityEntry[] {
  const seen = new Set(current.map((e) => e.id));
  const fresh = incoming.filter((e) => !seen.has(e.id));
  if (fresh.length === 0) return current as ActivityEntry[];
  return [...fresh, ...current].sort((a, b) => b.id - a.id);
}

export const ACTIVITY_PAGE = 100;

export const activityBinding: DomainBinding = {
  subscribe: (api) => [api.on('activity', (p) => useActivity.setState((s) => ({ entries: mergeEntries(s.entries, p.entries) })))],
  load: async (api) => {
    const r = await api.getActivity({ limit: ACTIVITY_PAGE });
    useActivity.setState((s) => ({ entries: mergeEntries(s.entries, r.entries), more: r.entries.length === ACTIVITY_PAGE }));
  },
};
