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
 * Thresholds of days 1900-01-01 to 2079-06-06, computed once each: the lot book asks for one per
 * lot and per wash-sale match (3.4 M times on a synthetic 1M-transaction year; profiled).
 */
const THRESHOLD_FIRST_DAY = dayFromCivil(1900, 1, 1);
const THRESHOLD_DAYS = 1 << 16;
const THRESHOLD_UNSET = -0x80000000;
const THRESHOLD = new Int32Array(THRESHOLD_DAYS).fill(THRESHOLD_UNSET);

/**
 * The last day that is still short-term for a holding that starts the day after `acquiredDay`:
 * the same month and day one year later, or, when acquired on the last day of its month,
 * the last day of that month one year later. Long-term iff the disposal date is after it.
 */
export function longTermThresholdDay(acquiredDay: number): number {
  const k = acquiredDay - THRESHOLD_FIRST_DAY;
  if (!(k >= 0 && k < THRESHOLD_DAYS)) return thresholdOf(acquiredDay);
  let t = THRESHOLD[k] as number;
  if (t === THRESHOLD_UNSET) THRESHOLD[k] = t = thresholdOf(acquiredDay);
  return t;
}

function thresholdOf(acquiredDay: number): number {
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

function digits(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = (b[i] as number) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The longest timestamp parseTimestamp accepts (nine fraction digits and an offset: 35). */
const TIMESTAMP_CHARS_MAX = 40;
/** parseTimestamp's copy of the text's character codes (one implementation reads both forms). */
const scratch = new Uint8Array(TIMESTAMP_CHARS_MAX);

/**
 * Parses an ISO 8601 timestamp with offset or Z to epoch ms; null if malformed or not a real
 * date. Hand-written (no regex, no Date.parse): it runs once per transaction.
 */
export function parseTimestamp(text: string): number | null {
  const n = text.length;
  if (n < 17 || n > TIMESTAMP_CHARS_MAX) return null;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return null; // never part of a timestamp (and would not fit a byte)
    scratch[i] = c;
  }
  return parseTimestampBytes(scratch, 0, n);
}

/** parseTimestamp of the ASCII bytes b[from, to) (the CSV byte reader's form: csv-bytes.ts). */
export function parseTimestampBytes(b: Uint8Array, from: number, to: number): number | null {
  const n = to - from;
  if (n < 17 || n > TIMESTAMP_CHARS_MAX) return null;
  const y = digits(b, from, 4), mo = digits(b, from + 5, 2), d = digits(b, from + 8, 2), h = digits(b, from + 11, 2), mi = digits(b, from + 14, 2);
  if (b[from + 4] !== 45 || b[from + 7] !== 45 || b[from + 10] !== 84 || b[from + 13] !== 58) return null; // - - T :
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59) return null;
  let i = from + 16;
  let s = 0, ms = 0;
  if (b[i] === 58) {
    s = digits(b, i + 1, 2);
    if (s < 0 || s > 59) return null;
    i += 3;
    if (b[i] === 46 && i < to) {
      let k = i + 1;
      let scale = 100;
      while (k < to && (b[k] as number) >= 48 && (b[k] as number) <= 57) {
        ms += ((b[k] as number) - 48) * scale;
        scale /= 10;
        k++;
      }
      if (k === i + 1 || k - i - 1 > 9) return null;
      ms = Math.floor(ms);
      i = k;
    }
  }
  let offsetMin = 0;
  const z = b[i];
  if (z === 90 && i === to - 1) offsetMin = 0; // Z
  else if ((z === 43 || z === 45) && i + 6 === to && b[i + 3] === 58) {
    const oh = digits(b, i + 1, 2), om = digits(b, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else return null;
  return dayFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi - offsetMin) * 60 + s) * 1000 + ms;
}

export function dayOfYearStart(year: number): number {
  return dayFromCivil(year, 1, 1);
}
