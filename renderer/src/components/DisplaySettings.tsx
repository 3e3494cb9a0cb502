// Settings: theme, locale and time zone (applied at once, kept by the wallet), and whether
// orders ask for a confirmation before they are sent.
import { useId, useMemo, useState } from 'react';
import { THEMES, type PreferencesUpdate, type Theme } from '../../../shared/contract/preferences';
import { usePreferences } from '../store/preferences';
import { dateTime, displayFormat, errorText, qty, usd } from '../format';

const THEME_LABELS: Record<Theme, string> = { system: 'Same as the system', light: 'Light', dark: 'Dark' };
/** Offered locales (any other valid tag set elsewhere is kept and shown too). */
const LOCALES = ['en-US', 'en-GB', 'en-CA', 'en-AU', 'en-IN', 'de-DE', 'de-CH', 'fr-FR', 'fr-CA', 'es-ES', 'es-MX', 'it-IT', 'nl-NL', 'pt-BR', 'pl-PL', 'sv-SE', 'ja-JP', 'ko-KR', 'zh-CN', 'zh-TW', 'hi-IN', 'ar-EG', 'tr-TR', 'ru-RU'];

/** The sample moment shown in the preview (any fixed one: only its display changes). */
const SAMPLE_TIME = '2026-07-15T16:45:30Z';

function localeName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

export function DisplaySettings() {
  const prefs = usePreferences((s) => s.prefs);
  const update = usePreferences((s) => s.update);
  const [error, setError] = useState<string | null>(null);
  const ids = { theme: useId(), locale: useId(), zone: useId(), confirm: useId() };
  const locales = useMemo(() => {
    const offered = Intl.NumberFormat.supportedLocalesOf(LOCALES);
    return prefs.locale && !offered.includes(prefs.locale) ? [prefs.locale, ...offered] : offered;
  }, [prefs.locale]);
  const zones = useMemo(() => {
    const all = timeZones();
    return prefs.time_zone && !all.includes(prefs.time_zone) ? [prefs.time_zone, ...all] : all;
  }, [prefs.time_zone]);
  const system = useMemo(() => new Intl.DateTimeFormat().resolvedOptions(), []);

  const change = (u: PreferencesUpdate) => {
    setError(null);
    update(u).catch((err: unknown) => setError(errorText(err)));
  };
  const shown = displayFormat();

  return (
    <form className="card settings-form" aria-label="Display" onSubmit={(e) => e.preventDefault()}>
      <h2>Display</h2>
      <label htmlFor={ids.theme}>Theme</label>
      <select id={ids.theme} value={prefs.theme} onChange={(e) => change({ theme: e.target.value as Theme })}>
        {THEMES.map((t) => <option key={t} value={t}>{THEME_LABELS[t]}</option>)}
      </select>
      <label htmlFor={ids.locale}>Numbers and dates</label>
      <select id={ids.locale} value={prefs.locale ?? ''} onChange={(e) => change({ locale: e.target.value || null })}>
        <option value="">Same as the system ({localeName(system.locale)})</option>
        {locales.map((l) => <option key={l} value={l} lang={l}>{localeName(l)} ({l})</option>)}
      </select>
      <label htmlFor={ids.zone}>Time zone</label>
      <select id={ids.zone} value={prefs.time_zone ?? ''} onChange={(e) => change({ time_zone: e.target.value || null })}>
        <option value="">Same as the system ({system.timeZone})</option>
        {zones.map((z) => <option key={z} value={z}>{z.replaceAll('_', ' ')}</option>)}
      </select>
      <p className="muted small" data-testid="format-sample">
        Shown as: <span className="num">{usd('1234567.89')}</span> · <span className="num">{qty('1234.5', 2)}</span> · {dateTime(SAMPLE_TIME)} ({shown.time_zone}). Times are stored in UTC.
      </p>
      <label className="inline" htmlFor={ids.confirm}>
        <input id={ids.confirm} type="checkbox" checked={prefs.confirm_orders} onChange={(e) => change({ confirm_orders: e.target.checked })} />
        Ask me to confirm each order before it is sent
      </label>
      {error && <p className="error-text" role="alert">{error}</p>}
    </form>
  );
}
