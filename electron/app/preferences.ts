// Display preferences (theme, locale, time zone, order confirmation, panel layouts), kept in
// settings.json next to the other wallet settings, so they survive browser mode's new origin
// at every launch. Every change is pushed as the `preferences` state event.
import { WalletApiError } from '../../shared/contract/wallet-api.js';
import { DEFAULT_PREFERENCES, Preferences, applyPreferencesUpdate, type PreferencesUpdate } from '../../shared/contract/preferences.js';
import { loadSettings, saveSettings } from './settings.js';

export class PreferencesStore {
  constructor(
    private readonly settings_file: string,
    private readonly changed: (prefs: Preferences) => void = () => {},
  ) {}

  /** As stored, with the default for each field not stored yet. */
  get(): Preferences {
    return Preferences.parse({ ...DEFAULT_PREFERENCES, ...loadSettings(this.settings_file).preferences });
  }

  /** Applies a validated update; refused as a whole (nothing written) when the result is not valid. */
  update(update: PreferencesUpdate): Preferences {
    let next: Preferences;
    try {
      next = applyPreferencesUpdate(this.get(), update);
    } catch (err) {
      if (err instanceof RangeError) throw new WalletApiError('too_many_layouts', err.message);
      throw err;
    }
    // Read again right before writing: the tax settings live in the same file.
    saveSettings(this.settings_file, { ...loadSettings(this.settings_file), preferences: next });
    this.changed(next);
    return next;
  }
}
