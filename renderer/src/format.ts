// Display formatting: numbers, money and times by the one locale setting and the one time-zone
// setting (preferences; null = the system's). Amounts stay exact: decimal.js rounds to a fixed
// string and only the locale's symbols (grouping, decimal mark, currency placement) are learned
// from Intl on a small sample; an amount never passes through a JS number.
import { dec, D } from '../../shared/money';
import { USD_PLACES } from '../../shared/contract/orders';

interface Affixes {
  prefix: string;
  suffix: string;
}

interface DisplayFormat {
  /** What Intl resolved (the system's when the setting is null). */
  locale: string;
  time_zone: string;
  group: string;
  decimal: string;
  /** Digits in the last group and in the groups before it (3 and 2 in en-IN). */
  primary: number;
  secondary: number;
  /** Integer digits needed before grouping starts (2 in es: "1234" but "12 345"). */
  min_digits: number;
  currency: Affixes;
  percent: Affixes;
  date_time: Intl.DateTimeFormat;
  date: Intl.DateTimeFormat;
  /** Calendar dates (a lot's acquired day): no instant, so no time-zone shift. */
  civil_date: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  time_short: Intl.DateTimeFormat;
  /** Month, day and time without the year (a table row from this year). */
  month_day_time: Intl.DateTimeFormat;
  /** The calendar day in the zone, to compare days ("2026-12-06" in en-CA's order). */
  day_key: Intl.DateTimeFormat;
}

const NUMBER_PARTS: ReadonlySet<string> = new Set(['integer', 'group', 'decimal', 'fraction']);

function affixes(parts: Intl.NumberFormatPart[]): Affixes {
  const first = parts.findIndex((p) => NUMBER_PARTS.has(p.type));
  const last = parts.length - 1 - [...parts].reverse().findIndex((p) => NUMBER_PARTS.has(p.type));
  const text = (ps: Intl.NumberFormatPart[]) => ps.filter((p) => p.type !== 'minusSign' && p.type !== 'plusSign').map((p) => p.value).join('');
  return { prefix: text(parts.slice(0, first)), suffix: text(parts.slice(last + 1)) };
}

function build(locale: string | null, time_zone: string | null): DisplayFormat {
  const loc = locale ?? undefined;
  const tz = time_zone ?? undefined;
  const nf = new Intl.NumberFormat(loc);
  const sample = nf.formatToParts(123456789.5);
  const ints = sample.filter((p) => p.type === 'integer').map((p) => p.value);
  const primary = ints.length > 1 ? ints[ints.length - 1]!.length : Infinity;
  const secondary = ints.length > 2 ? ints[ints.length - 2]!.length : primary;
  const grouped1000 = nf.formatToParts(1000).some((p) => p.type === 'group');
  const dtf = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(loc, { ...o, timeZone: tz });
  return {
    locale: nf.resolvedOptions().locale,
    time_zone: dtf({}).resolvedOptions().timeZone,
    group: sample.find((p) => p.type === 'group')?.value ?? '',
    decimal: sample.find((p) => p.type === 'decimal')?.value ?? '.',
    primary,
    secondary,
    min_digits: grouped1000 ? 1 : 2,
    currency: affixes(new Intl.NumberFormat(loc, { style: 'currency', currency: 'USD' }).formatToParts(1234.5)),
    percent: affixes(new Intl.NumberFormat(loc, { style: 'percent' }).formatToParts(0.5)),
    date_time: dtf({ year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    date: dtf({ year: 'numeric', month: 'short', day: 'numeric' }),
    civil_date: new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    time: dtf({ hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    time_short: dtf({ hour: '2-digit', minute: '2-digit' }),
    month_day_time: dtf({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    day_key: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz }),
  };
}

let current: DisplayFormat = build(null, null);

/** Sets the one locale and the one time zone every display uses (null = the system's). */
export function setDisplayFormat(locale: string | null, time_zone: string | null): void {
  current = build(locale, time_zone);
}

/** The locale and time zone in use, as Intl resolved them. */
export function displayFormat(): { locale: string; time_zone: string } {
  return { locale: current.locale, time_zone: current.time_zone };
}

/** "1234567" → "1,234,567" by the locale's grouping. */
function groupDigits(int: string): string {
  const f = current;
  if (!f.group || int.length < f.primary + f.min_digits) return int;
  const groups = [int.slice(-f.primary)];
  let rest = int.slice(0, -f.primary);
  while (rest.length > f.secondary) {
    groups.unshift(rest.slice(-f.secondary));
    rest = rest.slice(0, -f.secondary);
  }
  if (rest) groups.unshift(rest);
  return groups.join(f.group);
}

/** A non-negative fixed-point string ("1234.50") in the locale's symbols. */
function localDigits(fixed: string): string {
  const [int, frac] = fixed.split('.');
  return `${groupDigits(int!)}${frac ? `${current.decimal}${frac}` : ''}`;
}

/** Minus sign shown before negative amounts (never a hyphen). */
const MINUS = '−';

export function usd(amount: string | null | undefined, places = 2): string {
  if (amount == null) return '—';
  const x = dec(amount);
  const fixed = x.abs().toFixed(places, D.ROUND_HALF_UP);
  const negative = x.isNegative() && !dec(fixed).isZero();
  return `${negative ? MINUS : ''}${current.currency.prefix}${localDigits(fixed)}${current.currency.suffix}`;
}

/**
 * An exact USD amount: every decimal it has, from 2 up to `max_places` (the platform counts USD
 * in micros, 6 places). The order ticket's sums: at two-cent token prices, cents would hide
 * most of an order (7 × $0.0011 showed as $0.01).
 */
export function usdExact(amount: string | null | undefined, max_places = USD_PLACES): string {
  return amount == null ? '—' : usd(amount, exactPlaces(amount, max_places));
}

/** A price: the tick's 4 places, more when it has them (an average fill price), at most the micro. */
export function priceExact(amount: string | null | undefined): string {
  return amount == null ? '—' : usd(amount, Math.min(USD_PLACES, Math.max(4, dec(amount).decimalPlaces())));
}

/** The places that show every decimal of `amount`: at least 2, at most `max_places`. */
function exactPlaces(amount: string, max_places: number): number {
  return Math.min(max_places, Math.max(2, dec(amount).decimalPlaces()));
}

/**
 * A journal amount with every decimal it has (at least 2, at most `max_places`: the ledger keeps
 * 8). The Activity list shows what was booked, not a rounding of it (a $0.524032 trade is not
 * "0.52").
 */
export function amountExact(amount: string | null | undefined, max_places = 8): string {
  return amount == null ? '—' : fixed(amount, exactPlaces(amount, max_places));
}

export function qty(amount: string | null | undefined, places = 2): string {
  if (amount == null) return '—';
  const x = dec(amount);
  const fixed = x.abs().toFixed(places, D.ROUND_DOWN);
  return `${x.isNegative() && !dec(fixed).isZero() ? MINUS : ''}${localDigits(fixed)}`;
}

/** A decimal rounded half-up to fixed places in the locale's symbols (no currency). */
export function fixed(amount: string | null | undefined, places = 2): string {
  if (amount == null) return '—';
  const x = dec(amount);
  const f = x.abs().toFixed(places, D.ROUND_HALF_UP);
  return `${x.isNegative() && !dec(f).isZero() ? MINUS : ''}${localDigits(f)}`;
}

/** "+12.34%" from a ratio like "0.1234". */
export function pct(ratio: string | null | undefined): string {
  if (ratio == null) return '—';
  const p = dec(ratio).times(100);
  return `${p.isNegative() ? MINUS : '+'}${current.percent.prefix}${localDigits(p.abs().toFixed(2, D.ROUND_HALF_UP))}${current.percent.suffix}`;
}

/** A whole count (events, rows) with the locale's grouping. */
export function count(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`count() takes a whole number, got ${n}`);
  return `${n < 0 ? MINUS : ''}${groupDigits(String(Math.abs(n)))}`;
}

const parse = (iso: string | number | Date): Date => (iso instanceof Date ? iso : new Date(iso));

/** Date and time in the time-zone setting, e.g. "Dec 4, 2026, 07:08:50 PM". */
export function dateTime(iso: string | number | Date): string {
  return current.date_time.format(parse(iso));
}

/**
 * A table row's time, as short as is still unambiguous on `now_ms`'s day: the time alone
 * today, month and day with the time this year, the full date and time before (all in the
 * time-zone setting). Tables show the full form in a tooltip.
 */
export function dateTimeCompact(iso: string | number | Date, now_ms: number): string {
  const d = parse(iso);
  const day = current.day_key.format(d);
  const today = current.day_key.format(new Date(now_ms));
  if (day === today) return current.time.format(d);
  if (day.slice(0, 4) === today.slice(0, 4)) return current.month_day_time.format(d);
  return current.date_time.format(d);
}

/** The date alone in the time-zone setting. */
export function date(iso: string | number | Date): string {
  return current.date.format(parse(iso));
}

/**
 * A calendar date ("2026-10-29", a tax lot's acquired day) in the locale's words. It names a day,
 * not an instant: formatted as that day whatever the time-zone setting.
 */
export function civilDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd; // not a calendar date: shown as it came
  return current.civil_date.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

/** The time of day with seconds in the time-zone setting. */
export function time(iso: string | number | Date): string {
  return current.time.format(parse(iso));
}

/** Hours and minutes in the time-zone setting (chart ticks). */
export function timeShort(iso: string | number | Date): string {
  return current.time_short.format(parse(iso));
}

export function timeAgo(iso: string | null, now_ms: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now_ms - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return dateTime(iso);
}

/** An error from the wallet API (or anything thrown) as the text shown to the user. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

