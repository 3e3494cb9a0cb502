// Display formatting by the one locale and time-zone setting: money stays exact (digits from
// decimal.js, only the symbols from Intl), grouping follows the locale (including en-IN's
// lakh groups and es's no-grouping of four digits), times are shown in the chosen zone.
import { afterEach, describe, expect, it } from 'vitest';
import { count, date, dateTime, displayFormat, pct, priceExact, qty, setDisplayFormat, time, timeAgo, dateTimeCompact, usd, usdExact, amountExact, civilDate } from '../src/format';

afterEach(() => setDisplayFormat('en-US', 'UTC'));

describe('format', () => {
  it('en-US: grouping, currency before, exact beyond a JS number', () => {
    setDisplayFormat('en-US', 'UTC');
    expect(usd('1234567.895')).toBe('$1,234,567.90');
    expect(usd('-0.5')).toBe('−$0.50');
    expect(usd('-0.001')).toBe('$0.00');
    expect(usd('12345678901234567890.12345', 4)).toBe('$12,345,678,901,234,567,890.1235'); // no float rounding
    expect(qty('1234.5678')).toBe('1,234.56');
    expect(qty('-2.5')).toBe('−2.50');
    expect(pct('0.1234')).toBe('+12.34%');
    expect(pct('-0.05')).toBe('−5.00%');
    expect(count(1234567)).toBe('1,234,567');
    expect(usd(null)).toBe('—');
  });

  it('usdExact: every decimal the amount has, 2 to 6 places', () => {
    setDisplayFormat('en-US', 'UTC');
    expect(usdExact('0.007719')).toBe('$0.007719');
    expect(usdExact('0.0077')).toBe('$0.0077');
    expect(usdExact('2')).toBe('$2.00');
    expect(usdExact('1234.5')).toBe('$1,234.50');
    expect(usdExact('0.0000004')).toBe('$0.000000'); // past micros: the platform has no such amount
    setDisplayFormat('de-DE', 'UTC');
    expect(usdExact('0.007719')).toBe('0,007719\u00a0$');
  });

  it('priceExact: the tick\'s 4 places, an average fill\'s extra ones, at most 6', () => {
    setDisplayFormat('en-US', 'UTC');
    expect(priceExact('0.030575')).toBe('$0.030575'); // not "$0.0306"
    expect(priceExact('9.5')).toBe('$9.5000');
    expect(priceExact('0.0305753333')).toBe('$0.030575');
    expect(priceExact(null)).toBe('—');
  });

  it('civilDate: the calendar day in the locale, never shifted by the time zone', () => {
    setDisplayFormat('en-US', 'Pacific/Honolulu'); // UTC−10: an instant at 00:00Z would be the day before
    expect(civilDate('2026-10-29')).toBe('Oct 29, 2026');
    setDisplayFormat('de-DE', 'Asia/Tokyo');
    expect(civilDate('2026-10-29')).toBe('29. Okt. 2026');
    expect(civilDate('not a date')).toBe('not a date');
  });

  it('amountExact: a journal amount with every decimal it has (2 to 8)', () => {
    setDisplayFormat('en-US', 'UTC');
    expect(amountExact('0.524032')).toBe('0.524032');
    expect(amountExact('28.48')).toBe('28.48');
    expect(amountExact('1000')).toBe('1,000.00');
    expect(amountExact('0.12345678')).toBe('0.12345678');
    expect(amountExact('-2.5')).toBe('−2.50');
  });

  it('de-DE: dot groups, comma decimals, currency after', () => {
    setDisplayFormat('de-DE', 'UTC');
    expect(usd('1234567.5')).toBe('1.234.567,50\u00a0$');
    expect(qty('0.5', 4)).toBe('0,5000');
    expect(pct('0.1234')).toBe('+12,34\u00a0%');
  });

  it('en-IN groups by lakhs; es does not group four digits', () => {
    setDisplayFormat('en-IN', 'UTC');
    expect(qty('123456789.5')).toBe('12,34,56,789.50');
    setDisplayFormat('es-ES', 'UTC');
    expect(qty('1234')).toBe('1234,00');
    expect(qty('12345')).toBe('12.345,00');
  });

  it('shows times in the chosen zone (stored in UTC)', () => {
    const iso = '2026-01-15T23:30:05Z';
    setDisplayFormat('en-US', 'UTC');
    expect(time(iso)).toBe('11:30:05 PM');
    setDisplayFormat('en-US', 'Asia/Tokyo');
    expect(time(iso)).toBe('08:30:05 AM');
    expect(date(iso)).toBe('Jan 16, 2026');
    expect(dateTime(iso)).toBe('Jan 16, 2026, 08:30:05 AM');
    setDisplayFormat('de-DE', 'Europe/Berlin');
    expect(dateTime(iso)).toBe('16. Jan. 2026, 00:30:05');
    expect(displayFormat()).toEqual({ locale: 'de-DE', time_zone: 'Europe/Berlin' });
    expect(timeAgo(iso, Date.parse(iso) + 7_200_000)).toBe('16. Jan. 2026, 00:30:05');
    expect(timeAgo(iso, Date.parse(iso) + 30_000)).toBe('30s ago');
  });

  it('dateTimeCompact: the time today, month and day this year, the full date before, by the zone\'s day', () => {
    const iso = '2026-01-15T23:30:05Z';
    setDisplayFormat('en-US', 'UTC');
    expect(dateTimeCompact(iso, Date.parse('2026-01-15T23:59:59Z'))).toBe('11:30:05 PM');
    expect(dateTimeCompact(iso, Date.parse('2026-01-16T00:00:00Z'))).toBe('Jan 15, 11:30:05 PM');
    expect(dateTimeCompact(iso, Date.parse('2027-01-01T00:00:00Z'))).toBe('Jan 15, 2026, 11:30:05 PM');
    // In Tokyo the same instant is on the 16th: "today" is the 16th there.
    setDisplayFormat('en-US', 'Asia/Tokyo');
    expect(dateTimeCompact(iso, Date.parse('2026-01-16T10:00:00Z'))).toBe('08:30:05 AM');
    setDisplayFormat('de-DE', 'Europe/Berlin');
    expect(dateTimeCompact(iso, Date.parse('2026-03-01T12:00:00Z'))).toBe('16. Jan., 00:30:05');
  });

  it('null means the system\'s locale and zone', () => {
    setDisplayFormat(null, null);
    const sys = new Intl.DateTimeFormat().resolvedOptions();
    expect(displayFormat()).toEqual({ locale: new Intl.NumberFormat().resolvedOptions().locale, time_zone: sys.timeZone });
  });
});
