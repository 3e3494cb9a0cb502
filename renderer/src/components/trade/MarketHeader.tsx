// The market at a glance above the workspace: price, spread, face value and premium, and what
// the user can trade with. Values come from the market and portfolio stores (pushed).
import { useMarket, usePortfolio } from '../../store';
import { useMarketTitle, useTokenSymbol } from '../../store/instrument';
import { selectBestAsk, selectBestBid } from '../../store/market';
import { pct, qty, usd } from '../../format';
import { StaleTag } from '../StaleTag';

export function MarketHeader({ onResetLayout }: { onResetLayout?: () => void }) {
  const ticker = useMarket((s) => s.ticker);
  // Bid, ask and spread from one source: the live book when there is one (the ticker lags it).
  const bid = useMarket(selectBestBid);
  const ask = useMarket(selectBestAsk);
  const spread = useMarket((s) => s.book?.spread ?? null);
  const portfolio = usePortfolio((s) => s.portfolio);
  const title = useMarketTitle();
  const symbol = useTokenSymbol();
  return (
    <header className="market-header">
      <h1 id="trade-title">{title} <StaleTag as_of={ticker?.time ?? null} /></h1>
      <dl className="header-stats">
        <div><dt>Last</dt><dd className="big-num" data-testid="ticker-last">{usd(ticker?.last, 4)}</dd></div>
        <div><dt>Bid / Ask</dt><dd>{usd(bid, 4)} / {usd(ask, 4)}</dd></div>
        <div><dt>Spread</dt><dd>{spread !== null ? usd(spread, 4) : '—'}</dd></div>
        <div><dt>Face value</dt><dd>{usd(ticker?.face_value, 4)}</dd></div>
        <div><dt>Premium</dt><dd>{pct(ticker?.premium)}</dd></div>
        <div><dt>24h volume</dt><dd>{qty(ticker?.volume_24h, 0)}</dd></div>
        <div><dt>Cash free</dt><dd data-testid="usd-available">{usd(portfolio?.usd.available)}</dd></div>
        <div><dt>{symbol} free</dt><dd data-testid="tokens-available">{qty(portfolio?.token.available)}</dd></div>
      </dl>
      {onResetLayout && <button type="button" className="chip" onClick={onResetLayout}>Reset layout</button>}
    </header>
  );
}
