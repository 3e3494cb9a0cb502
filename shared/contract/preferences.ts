// Wallet API schemas for display preferences: theme, locale, time zone, the order
// confirmation opt-out and remembered panel layouts. Kept in the wallet's data folder (not
// the browser's storage: browser mode's origin changes with its port at every launch).
// Node-free: the renderer validates with the same schemas.
import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;
export const zTheme = z.enum(THEMES);
export type Theme = z.infer<typeof zTheme>;

/** Bounds: a BCP 47 tag and an IANA zone name are short; layouts are a handful of panel groups. */
export const LOCALE_CHARS_MAX = 35;
export const TIME_ZONE_CHARS_MAX = 64;
export const LAYOUT_KEY_CHARS_MAX = 40;
export const LAYOUT_PANELS_MAX = 8;
export const LAYOUTS_MAX = 20;

/** The canonical form of a BCP 47 tag this runtime can format with, or null. */
export function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (!canonical || Intl.NumberFormat.supportedLocalesOf([canonical]).length === 0) return null;
    return canonical;
  } catch {
    return null; // RangeError: not a well-formed tag
  }
}

/** The canonical name of an IANA time zone this runtime knows, or null. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: unknown zone
  }
}

const zLocale = z
  .string()
  .min(1)
  .max(LOCALE_CHARS_MAX)
  .refine((s) => canonicalLocale(s) !== null, { message: 'not a BCP 47 locale this app can format with (e.g. "en-US", "de-DE")' });
const zTimeZone = z
  .string()
  .min(1)
  .max(TIME_ZONE_CHARS_MAX)
  .refine((s) => canonicalTimeZone(s) !== null, { message: 'not an IANA time zone (e.g. "Europe/Berlin", "UTC")' });
export const zLayoutKey = z
  .string()
  .min(1)
  .max(LAYOUT_KEY_CHARS_MAX)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
/** Panel sizes of one resizable group, in percent. */
export const zLayout = z.array(z.number().finite().min(0).max(100)).min(1).max(LAYOUT_PANELS_MAX);

export const Preferences = z.strictObject({
  theme: zTheme,
  /** null: the system's locale. */
  locale: zLocale.nullable(),
  /** null: the system's time zone. Times are stored in UTC and only displayed in this zone. */
  time_zone: zTimeZone.nullable(),
  /** Ask before sending an order (the order ticket's "don't ask again" turns it off). */
  confirm_orders: z.boolean(),
  /** Panel sizes per resizable workspace, by layout key. */
  layouts: z.record(zLayoutKey, zLayout).refine((r) => Object.keys(r).length <= LAYOUTS_MAX, { message: `at most ${LAYOUTS_MAX} layouts` }),
});
export type Preferences = z.infer<typeof Preferences>;

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', locale: null, time_zone: null, confirm_orders: true, layouts: {} };

/** Only the fields given change; `layouts` merges by key and a null value removes that key. */
export const PreferencesUpdate = z.strictObject({
  theme: zTheme.optional(),
  locale: zLocale.nullable().optional(),
  time_zone: zTimeZone.nullable().optional(),
  confirm_orders: z.boolean().optional(),
  layouts: z
    .record(zLayoutKey, zLayout.nullable())
    .refine((r) => Object.keys(r).length <= LAYOUTS_MAX, { message: `at most ${LAYOUTS_MAX} layouts in one update` })
    .optional(),
});
export type PreferencesUpdate = z.infer<typeof PreferencesUpdate>;

/** The preferences after an update (pure): canonical locale and zone, layouts merged. Throws
 *  when the merged layouts would exceed LAYOUTS_MAX (the caller then changes nothing). */
export function applyPreferencesUpdate(current: Preferences, update: PreferencesUpdate): Preferences {
  const layouts: Record<string, number[]> = { ...current.layouts };
  for (const [key, sizes] of Object.entries(update.layouts ?? {})) {
    if (sizes === null) delete layouts[key];
    else layouts[key] = sizes;
  }
  if (Object.keys(layouts).length > LAYOUTS_MAX) throw new RangeError(`at most ${LAYOUTS_MAX} layouts are kept; remove one first (set it to null)`);
  const locale = update.locale === undefined ? current.locale : update.locale === null ? null : canonicalLocale(update.locale);
  const time_zone = update.time_zone === undefined ? current.time_zone : update.time_zone === null ? null : canonicalTimeZone(update.time_zone);
  return Preferences.parse({
    theme: update.theme ?? current.theme,
    locale,
    time_zone,
    confirm_orders: update.confirm_orders ?? current.confirm_orders,
    layouts,
  });
}
