// Renderer state, one zustand store per domain; pages are views that select from them. Data
// comes only from the WalletApi: one load when the link connects, then pushed events.
import { activityBinding } from './activity';
import { computeBinding } from './compute';
import { marketBinding } from './market';
import { ordersBinding } from './orders';
import { portfolioBinding } from './portfolio';
import { startSession } from './session';
import { taxBinding } from './tax';
import { preferencesBinding, startTheme } from './preferences';

export { PAGES, useOnline, useSession, walletApi, type Page } from './session';
export { useMarket, bookStats } from './market';
export { useChart } from './chart';
export { useOrders } from './orders';
export { usePortfolio } from './portfolio';
export { useCompute } from './compute';
export { useActivity } from './activity';
export { useTax } from './tax';
export { usePreferences, useResolvedTheme } from './preferences';

/** Starts the link to the wallet service and binds every domain store. Returns the cleanup. */
export function startStores(): () => void {
  const stopTheme = startTheme();
  const stopSession = startSession([preferencesBinding, portfolioBinding, marketBinding, ordersBinding, computeBinding, activityBinding, taxBinding]);
  return () => {
    stopSession();
    stopTheme();
  };
}
