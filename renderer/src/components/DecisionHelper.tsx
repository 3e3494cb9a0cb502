// Mint or renewal credit, side by side for the projected unused credits (or a typed amount):
// minted and sold at once into today's bids after fees (walking the book as a market sell
// would, and saying what it cannot take), minted and held (face and market), or credited
// against the renewal (with the floor as an amount and what is lost above it). Each with its
// tax consequence; a plain recommendation with its reason. The election stays the user's.
import { useState, type FormEvent } from 'react';
import type { PeriodDecisionView } from '../../../shared/contract/compute';
import { PeriodDecisionRequest } from '../../../shared/contract/compute';
import { priceExact, qty, usd } from '../format';
import { dec } from '../../../shared/money';

const ELECTION_WORDS = { mint: 'Mint tokens', renewal_credit: 'Credit my renewal' } as const;

/** How the sale fills: into the book's bids level by level, or at the best bid when the depth is not known. */
function saleWords(sell: NonNullable<PeriodDecisionView['decision']['sell']>, symbol: string): string {
  if (!sell.depth_known) return `${qty(sell.sold_tokens)} ${symbol} at the ${usd(sell.bid_usd, 4)} bid`;
  if (sell.levels_used <= 1) return `${qty(sell.sold_tokens)} ${symbol} into the ${usd(sell.bid_usd, 4)} bid`;
  return `${qty(sell.sold_tokens)} ${symbol} into ${sell.levels_used} bid levels from ${usd(sell.bid_usd, 4)} down to ${usd(sell.lowest_price_usd, 4)}, average ${priceExact(sell.average_price_usd)}`;
}

export function DecisionHelper({ view, symbol, onAmount }: { view: PeriodDecisionView; symbol: string; onAmount: (credits: string | undefined) => void }) {
  const d = view.decision;
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = typed.trim();
    if (text === '') return onAmount(undefined);
    const parsed = PeriodDecisionRequest.safeParse({ credits: text });
    if (!parsed.success) return setError(`Credits: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    setError(null);
    onAmount(parsed.data.credits);
  };
  const rec = d.recommendation;
  return (
    <section className="decision" role="region" aria-label="Mint or renewal credit" data-testid="decision-helper">
      <h2 className="section">Mint or renewal credit</h2>
      <form className="whatif" onSubmit={submit} aria-label="Decide for an amount">
        <label>Credits <input value={typed} onChange={(e) => setTyped(e.target.value)} inputMode="decimal" placeholder={qty(view.figures.projected_unused_credits)} size={10} /></label>
        <button type="submit" className="chip">Show</button>
        <span className="muted small">
          {view.credits_source === 'projected' ? `For the ${qty(d.credits)} credits projected unused at close.` : `For ${qty(d.credits)} credits you typed.`}
        </span>
        {error && <span className="error-text" role="alert">{error}</span>}
      </form>
      <div className="cards decision-cards">
        <article className="card" aria-label="Minted and sold" data-testid="option-sell">
          <h3>Minted and sold today</h3>
          {d.sell ? (
            <>
              <p className="big">{usd(d.sell.net_usd)}</p>
              <p className="muted" data-testid="sell-fill">
                {saleWords(d.sell, symbol)} = {usd(d.sell.gross_usd)}, less {usd(d.sell.fee_usd)} fee ({d.sell.taker_fee_bps / 100}%)
              </p>
              {dec(d.sell.unsold_tokens).gt(0) && (
                <p className="small neg" data-testid="sell-unsold">
                  The bids take only {qty(d.sell.sold_tokens)} of the {qty(d.credits)} tokens today: the other {qty(d.sell.unsold_tokens)} would be held.
                  {d.sell.stopped_at_own_bid_usd && ` Your own buy order at ${usd(d.sell.stopped_at_own_bid_usd, 4)} stops the sale there: the platform never trades you with yourself.`}
                </p>
              )}
              <p className="small">{d.sell.tax.note}</p>
            </>
          ) : (
            <p className="muted">{d.sell_unavailable}</p>
          )}
        </article>
        <article className="card" aria-label="Minted and held" data-testid="option-hold">
          <h3>Minted and held</h3>
          <p className="big">{usd(d.hold.value_at_market_usd)}</p>
          <p className="muted">{qty(d.hold.tokens)} {symbol} at market{d.hold.market_price_usd ? ` (${usd(d.hold.market_price_usd, 4)})` : ''} · {usd(d.hold.value_at_face_usd)} at face value ({usd(d.hold.face_value_usd, 4)})</p>
          <p className="small">{d.hold.tax.note} At worst they go to zero: compute you had already paid for.</p>
        </article>
        <article className="card" aria-label="As renewal credit" data-testid="option-renewal">
          <h3>As renewal credit</h3>
          {/* The headline is what this option is worth, like the other two cards: the credit taken off. */}
          <p className="big">{usd(d.renewal.credit_applied_usd)} <span className="small muted">off the renewal</span></p>
          <p className="muted">next renewal {usd(d.renewal.next_price_usd)}, from {usd(d.renewal.plan_price_usd)}: {usd(d.renewal.credit_applied_usd)} off · floor {usd(d.renewal.floor_usd)}</p>
          {dec(d.renewal.lost_above_floor_usd).gt(0) && (
            <p className="small neg" data-testid="lost-above-floor">{usd(d.renewal.lost_above_floor_usd)} lost above the floor (the credits are worth {usd(d.renewal.credit_value_usd)}; the excess is not refunded)</p>
          )}
          <p className="small">{d.renewal.tax.note}</p>
        </article>
      </div>
      <p className="recommendation" data-testid="recommendation">
        <strong>{rec.election ? `Suggested: ${ELECTION_WORDS[rec.election]}.` : 'Nothing to decide.'}</strong> {rec.reason}
        {rec.election && rec.election !== view.election && <> You have chosen “{ELECTION_WORDS[view.election]}”; the choice stays yours.</>}
      </p>
    </section>
  );
}
