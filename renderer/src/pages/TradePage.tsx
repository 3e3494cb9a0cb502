import { TradeWorkspace } from '../components/trade/TradeWorkspace';

/** The Trade screen is the workspace (components/trade/). */
export function TradePage() {
  return (
    <section aria-labelledby="trade-title" className="trade-page">
      <TradeWorkspace />
    </section>
  );
}
