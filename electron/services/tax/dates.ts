// Tax dates: calendar dates in the tax time zone (UTC unless the user sets one), kept as
// day numbers (days since 1970-01-01) so the hot loop compares integers.
// The holding-period rule is by calendar months (Rev. Rul. 66-7), never by day counts.

const MS_PER_DAY = 86_400_000;
/** Time-zone offsets are multiples of 15 minutes, so a date never changes inside a 15-minute UTC bucket. */
const TZ_BUCKET_MS = 900_000;
/** Bound on the per-zone cache (15-minute buckets: ~35,000 per year). */
const TZ_CACHE_MAX = 400_000;

export interface CivilDate {
  y: number;
  m: number; // 1..12
  d: number; // 1..31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of dayFromCivil. */
export function civilFromDay(day: number): CivilDate {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * The last day that is still short-term for a holding that starts the day after `acquiredDay`:
 * the same month and day one year later, or, when acquired on the last day of its month,
 * the last day of that month one year later. Long-term iff the disposal date is after it.
 */
export function longTermThresholdDay(acquiredDay: number): number {
  const a = civilFromDay(acquiredDay);
  const lastOfMonth = a.d === daysInMonth(a.y, a.m);
  const y = a.y + 1;
  const d = lastOfMonth ? daysInMonth(y, a.m) : a.d;
  return dayFromCivil(y, a.m, d);
}

export function isLongTerm(acquiredDay: number, soldDay: number): boolean {
  return soldDay > longTermThresholdDay(acquiredDay);
}

/** A function from epoch milliseconds to the tax day number in a time zone. */
export type DayOf = (ms: number) => number;

/** Validates an IANA zone name; throws a clear error if the runtime does not know it. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new RangeError(`unknown time zone: ${JSON.stringify(tz)} (use an IANA name like "America/New_York")`);
  }
}

export function makeDayOf(tz: string): DayOf {
  if (tz === 'UTC' || tz === 'Etc/UTC') return (ms) => Math.floor(ms / MS_PER_DAY);
  assertTimeZone(tz);
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' });
  // Formatting is ~2 µs; a million events fall into a few tens of thousands of buckets.
  const cache = new Map<number, number>();
  return (ms) => {
    const bucket = Math.floor(ms / TZ_BUCKET_MS);
    const hit = cache.get(bucket);
    if (hit !== undefined) return hit;
    let y = 0, m = 0, d = 0;
    for (const p of fmt.formatToParts(bucket * TZ_BUCKET_MS)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') m = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
    }
    if (!(y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) throw new Error(`time zone ${tz}: cannot read date for ${ms}`);
    const day = dayFromCivil(y, m, d);
    if (cache.size >= TZ_CACHE_MAX) cache.clear();
    cache.set(bucket, day);
    return day;
  };
}

/** MM/DD/YYYY, the form's date format. */
export function formatMDY(day: number): string {
  const c = civilFromDay(day);
  return `${c.m < 10 ? '0' : ''}${c.m}/${c.d < 10 ? '0' : ''}${c.d}/${c.y}`;
}

/** YYYY-MM-DD. */
export function formatISODate(day: number): string {
  const c = civilFromDay(day);
  return `${c.y}-${c.m < 10 ? '0' : ''}${c.m}-${c.d < 10 ? '0' : ''}${c.d}`;
}

export function parseISODate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${text}`);
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`no such date: ${text}`);
  return dayFromCivil(y, mo, d);
}

/** ISO 8601 timestamp with a date, a time and an offset or Z. */
export const ISO_TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO timestamp with offset to epoch ms; null if malformed or not a real date. */
export function parseTimestamp(text: string): number | null {
  const m = ISO_TIMESTAMP_PATTERN.exec(text);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const h = Number(m[4]), mi = Number(m[5]), s = m[7] ? Number(m[7]) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

export function dayOfYearStart(year: number): number {
  return dayFromCivil(year, 1, 1);
}
