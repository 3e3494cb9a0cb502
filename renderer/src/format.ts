// Display formatting of decimal strings. Exact: decimal.js, never JS number arithmetic.
import { dec, D } from '../../shared/money';

export function usd(amount: string | null | undefined, places = 2): string {
  if (amount == null) return '—';
  const x = dec(amount);
  const fixed = x.abs().toFixed(places, D.ROUND_HALF_UP);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x.isNegative() && !x.isZero() ? '−' : ''}$${grouped}${frac ? `.${frac}` : ''}`;
}

export function qty(amount: string | null | undefined, places = 2): string {
  if (amount == null) return '—';
  const fixed = dec(amount).toFixed(places, D.ROUND_DOWN);
  const [int, frac] = fixed.split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** "+12.34%" from a ratio like "0.1234". */
export function pct(ratio: string | null | undefined): string {
  if (ratio == null) return '—';
  const p = dec(ratio).times(100);
  return `${p.isNegative() ? '−' : '+'}${p.abs().toFixed(2, D.ROUND_HALF_UP)}%`;
}

export function timeAgo(iso: string | null, now_ms: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now_ms - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return new Date(iso).toLocaleString();
}

/** An error from the wallet API (or anything thrown) as the text shown to the user. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A stored UTC time as the user reads it (date and time). */
export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A stored UTC time, time of day only. */
export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString() : '—';
}
