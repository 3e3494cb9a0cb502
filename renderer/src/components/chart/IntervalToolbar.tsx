// The chart's toolbar: candle intervals 1m–1d (aria-pressed buttons in a real toolbar), the
// way back to the newest candles after a jump or a long scroll back, and "Go to" a time.
import { useState, type FormEvent } from 'react';
import { useChart } from '../../store/chart';
import type { CandleInterval } from '../../../../shared/platform/events';

export const INTERVALS: CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

/** "2026-12-04T19:12" (a datetime-local value, taken as UTC like every chart time) → Unix seconds. */
function parseUtcMinute(value: string): number | null {
  const ms = Date.parse(`${value}:00Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

export function IntervalToolbar({ suggest }: { suggest: CandleInterval | null }) {
  const interval = useChart((s) => s.interval);
  const at_live_edge = useChart((s) => s.at_live_edge);
  const setInterval = useChart((s) => s.setInterval);
  const [goto, setGoto] = useState('');
  const [goto_error, setGotoError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = parseUtcMinute(goto);
    if (t === null) return setGotoError('Enter a date and time');
    setGotoError(null);
    void useChart.getState().goTo(t);
  };

  return (
    <div className="chart-toolbar">
      <div className="toolbar" role="toolbar" aria-label="Candle interval">
        {INTERVALS.map((i) => (
          <button key={i} type="button" className={i === interval ? 'chip active' : 'chip'} aria-pressed={i === interval} onClick={() => setInterval(i)}>
            {i}
          </button>
        ))}
      </div>
      {suggest && (
        <button type="button" className="chip" data-testid="chart-coarser" onClick={() => setInterval(suggest)}>
          Zoomed far out: show {suggest} candles
        </button>
      )}
      {!at_live_edge && (
        <button type="button" className="chip" onClick={() => setInterval(interval)}>
          Back to latest
        </button>
      )}
      <form className="chart-goto" onSubmit={submit} aria-label="Go to time">
        <label className="muted small" htmlFor="chart-goto-time">Go to (UTC)</label>
        <input id="chart-goto-time" type="datetime-local" value={goto} onChange={(e) => setGoto(e.target.value)} aria-invalid={goto_error ? true : undefined} aria-describedby={goto_error ? 'chart-goto-error' : undefined} />
        <button type="submit" className="chip">Go</button>
        {goto_error && <span id="chart-goto-error" className="error-text small">{goto_error}</span>}
      </form>
    </div>
  );
}
