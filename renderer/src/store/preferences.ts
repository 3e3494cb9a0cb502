// Preferences store: the display preferences as the wallet keeps them (theme, locale, time
// zone, order confirmation, panel layouts), loaded when the link connects and replaced by every
// pushed `preferences` event. Applying them: the format module's locale and zone, and the
// document's theme (`data-theme`, following the OS live when the theme is 'system').
import { create } from 'zustand';
import { DEFAULT_PREFERENCES, type Preferences, type PreferencesUpdate, type Theme } from '../../../shared/contract/preferences';
import type { WalletApi } from '../../../shared/contract/wallet-api';
import { setDisplayFormat } from '../format';
import { walletApi, type DomainBinding } from './session';

export type ResolvedTheme = 'light' | 'dark';

interface PreferencesState {
  prefs: Preferences;
  /** False until the wallet's copy arrived (the defaults are shown meanwhile). */
  loaded: boolean;
  /** The OS asks for a dark appearance (prefers-color-scheme), kept live. */
  system_dark: boolean;
  /** Sends a change to the wallet; resolves with the stored preferences, rejects with its refusal. */
  update(update: PreferencesUpdate): Promise<Preferences>;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';
const media = (): MediaQueryList | null => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null);

function applyPreferences(prefs: Preferences): void {
  setDisplayFormat(prefs.locale, prefs.time_zone);
  usePreferences.setState({ prefs, loaded: true });
}

export const usePreferences = create<PreferencesState>(() => ({
  prefs: DEFAULT_PREFERENCES,
  loaded: false,
  system_dark: media()?.matches ?? true,
  update: async (update) => {
    const prefs = await walletApi().updatePreferences(update);
    applyPreferences(prefs);
    return prefs;
  },
}));

export function resolveTheme(theme: Theme, system_dark: boolean): ResolvedTheme {
  if (theme === 'system') return system_dark ? 'dark' : 'light';
  return theme;
}

/** The theme on screen now: 'light' or 'dark'. */
export function useResolvedTheme(): ResolvedTheme {
  return usePreferences((s) => resolveTheme(s.prefs.theme, s.system_dark));
}

export const preferencesBinding: DomainBinding = {
  subscribe: (api: WalletApi) => [api.on('preferences', applyPreferences)],
  load: async (api: WalletApi) => applyPreferences(await api.getPreferences({})),
};

/** Keeps the document's theme in step with the preferences and the OS. Returns the cleanup. */
export function startTheme(root: HTMLElement = document.documentElement): () => void {
  const apply = (s: PreferencesState) => {
    const theme = resolveTheme(s.prefs.theme, s.system_dark);
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  };
  apply(usePreferences.getState());
  const off = usePreferences.subscribe(apply);
  const mq = media();
  const onOs = (e: MediaQueryListEvent) => usePreferences.setState({ system_dark: e.matches });
  mq?.addEventListener('change', onOs);
  return () => {
    off();
    mq?.removeEventListener('change', onOs);
  };
}
