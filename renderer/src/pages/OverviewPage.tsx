import { useMarket, usePortfolio, useTax } from '../store';
import { dateTime, pct, qty, usd } from '../format';
import { dec } from '../../../shared/money';
import type { MethodResponse } from '../../../shared/contract/wallet-api';
import { PeriodUpFront } from '../components/PeriodUpFront';
import { PremiumTrend } from '../components/PremiumTrend';
import { useTokenTitle } from '../store/instrument';

type Holdings = MethodResponse<'getHoldings'>;
type Source = Holdings['groups'][number]['source'];

/** The domain's rule: minted tokens and bought tokens carry different risk; never blur them. */
const ORIGIN: Record<Source, { label: string; meaning: string }> = {
  mint: { label: 'Minted from unused compute', meaning: 'Compute you had already paid for: at worst these go to zero.' },
  buy: { label: 'Bought on the exchange', meaning: 'Money at risk, like any other asset.' },
  income: { label: 'Other income', meaning: 'Taxed as income when received; their value is at risk from then on.' },
};

export function OverviewPage() {
  const portfolio = usePortfolio((s) => s.portfolio);
  const ticker = useMarket((s) => s.ticker);
  const tokenTitle = useTokenTitle();
  const tokenValue =
    portfolio && ticker?.last ? dec(portfolio.token.total).times(dec(ticker.last)).toFixed() : null;

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <PeriodUpFront helper={false}>
        <article className="card" aria-label="Compute credits">
          <h2>Compute credits</h2>
          <p className="big" data-testid="credits-available">{qty(portfolio?.credits.available)}</p>
          <p className="muted">available this period</p>
        </article>
        <article className="card" aria-label="Tokens">
          <h2>{tokenTitle}</h2>
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
          <PremiumTrend faceValue={ticker?.face_value ?? null} seq={portfolio?.as_of_seq ?? null} />
          <p className="muted small">The premium is how far the market prices a token above its face value: what buyers expect future demand for compute to add.</p>
        </article>
      </PeriodUpFront>
      <HoldingsByOrigin price={ticker?.last ?? null} />
      {portfolio && (
        <p className="muted small">Ledger as of event #{portfolio.as_of_seq}{portfolio.as_of_time ? ` (${dateTime(portfolio.as_of_time)})` : ''}</p>
      )}
    </section>
  );
}

/** Held tokens split by origin (the lots under the lot method in force), valued at the live price. */
function HoldingsByOrigin({ price }: { price: string | null }) {
  // Pushed by the live tax state after every batch that changes it (store/tax.ts).
  const holdings: Holdings | null = useTax((s) => s.view?.holdings ?? null);
  const error = useTax((s) => s.error ?? s.view?.problem ?? null);

  if (error) return <p className="error-text" role="alert">Holdings by origin: {error}</p>;
  if (!holdings || holdings.groups.length === 0) {
    return (
      <p className="note">
        Minted tokens came from compute you had already paid for: at worst they go to zero. Tokens bought on the
        exchange are money at risk like any other asset.
      </p>
    );
  }
  return (
    <>
      <h2 className="section">Your tokens by origin</h2>
      <table className="table" aria-label="Tokens by origin" data-testid="holdings-by-origin">
        <thead>
          <tr><th>Origin</th><th className="num">Tokens</th><th className="num">Cost basis</th><th className="num">Value now</th><th className="num">Gain</th><th className="text">What it means</th></tr>
        </thead>
        <tbody>
          {holdings.groups.map((g) => {
            const value = price === null ? null : dec(g.quantity).times(dec(price));
            const gain = value === null ? null : value.minus(dec(g.cost_basis));
            return (
              <tr key={g.source} data-source={g.source}>
                <td>{ORIGIN[g.source].label}</td>
                <td className="num">{qty(g.quantity)}</td>
                <td className="num">{usd(g.cost_basis)}</td>
                <td className="num">{usd(value?.toFixed() ?? null)}</td>
                <td className={`num ${gain === null ? '' : gain.isNegative() ? 'neg' : 'pos'}`}>{usd(gain?.toFixed() ?? null)}</td>
                <td className="muted">{ORIGIN[g.source].meaning}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">Which tokens you still hold follows your lot method (Taxes). Cost basis of minted tokens follows the basis policy chosen there.</p>
    </>
  );
}
