// A live countdown to the period's close: role "timer", named "Period ends in".
import { useEffect, useState } from 'react';
import { dateTime } from '../format';

/** "2d 04h 12m 09s", "12m 09s"; "closing now" once the end has passed (the platform closes it). */
export function countdownText(ms_left: number): string {
  if (ms_left <= 0) return 'closing now';
  const s = Math.floor(ms_left / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h ${pad(m)}m ${pad(s % 60)}s`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s % 60)}s`;
  return `${m}m ${pad(s % 60)}s`;
}

export function PeriodCountdown({ ends_at, className }: { ends_at: string; className?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const end = Date.parse(ends_at);
  return (
    <span role="timer" aria-label="Period ends in" className={className} data-testid="period-countdown" title={dateTime(end)}>
      {countdownText(end - now)}
    </span>
  );
}
