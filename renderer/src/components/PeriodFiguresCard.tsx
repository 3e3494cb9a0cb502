// This period at a glance: allowance, used, redeemed, left, the usage pace and the projected
// unused credits at close, with the live countdown. Data as props (a PeriodFigures).
import type { PeriodFigures } from '../../../shared/contract/compute';
import { dateTime, qty } from '../format';
import { PeriodCountdown } from './PeriodCountdown';

export function PeriodFiguresCard({ figures, stale_since }: { figures: PeriodFigures; stale_since: string | null }) {
  return (
    <article className="card period-card" aria-label="This period" data-testid="period-figures">
      <h2>This period</h2>
      <p className="big"><PeriodCountdown ends_at={figures.ends_at} /></p>
      <p className="muted">until the period closes ({dateTime(figures.ends_at)})</p>
      <dl className="figures">
        <dt>Allowance</dt><dd data-testid="period-allowance">{qty(figures.allowance_credits)}</dd>
        <dt>Used</dt><dd>{qty(figures.used_credits)}</dd>
        <dt>From tokens</dt><dd>{qty(figures.redeemed_credits)}</dd>
        <dt>Left</dt><dd data-testid="period-left">{qty(figures.left_credits)}</dd>
        <dt>Pace</dt><dd>{figures.pace_credits_per_day === null ? '—' : `${qty(figures.pace_credits_per_day)} a day`}</dd>
        <dt>Unused at close</dt><dd data-testid="period-projected">{qty(figures.projected_unused_credits)} <span className="muted small">at this pace</span></dd>
      </dl>
      {stale_since && <p className="muted small">As last fetched, {dateTime(stale_since)} (offline).</p>}
    </article>
  );
}
