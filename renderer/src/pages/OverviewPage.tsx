import { useWallet } from '../store';
import { pct, qty, usd } from '../format';
import { dec } from '../../../shared/money';

export function OverviewPage() {
  const portfolio = useWallet((s) => s.portfolio);
  const ticker = useWallet((s) => s.ticker);
  const tokenValue =
    portfolio && ticker?.last ? dec(portfolio.token.total).times(dec(ticker.last)).toFixed() : null;

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="cards">
        <article className="card" aria-label="Compute credits">
          <h2>Compute credits</h2>
          <p className="big" data-testid="credits-available">{qty(portfolio?.credits.available)}</p>
          <p className="muted">available this period</p>
        </article>
        <article className="card" aria-label="Tokens">
          <h2>Tokens</h2>
          <p className="big" data-testid="tokens-total">{qty(portfolio?.token.total)}</p>
          <p className="muted">
            {qty(portfolio?.token.available)} available · {qty(portfolio?.token.reserved)} in open orders
          </p>
          <p className="muted">worth {usd(tokenValue)} at last price</p>
        </article>
        <article className="card" aria-label="Cash">
          <h2>Cash</h2>
          <p className="big" data-testid="usd-total">{usd(portfolio?.usd.total)}</p>
          <p className="muted">
            {usd(portfolio?.usd.available)} available · {usd(portfolio?.usd.reserved)} reserved
          </p>
        </article>
        <article className="card" aria-label="Token price">
          <h2>Token price</h2>
          <p className="big" data-testid="last-price">{usd(ticker?.last, 4)}</p>
          <p className="muted">
            face value {usd(ticker?.face_value, 4)} · premium{' '}
            <span className={ticker?.premium && dec(ticker.premium).isNegative() ? 'neg' : 'pos'}>{pct(ticker?.premium)}</span>
          </p>
        </article>
      </div>
      <p className="note">
        Minted tokens came from compute you had already paid for: at worst they go to zero. Tokens bought on the
        exchange are money at risk like any other asset.
      </p>
      {portfolio && (
        <p className="muted small">Ledger as of event #{portfolio.as_of_seq}{portfolio.as_of_time ? ` (${new Date(portfolio.as_of_time).toLocaleString()})` : ''}</p>
      )}
    </section>
  );
}
