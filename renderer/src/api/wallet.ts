// The renderer's single entry to the backend. In the desktop app the preload script has
// put a WalletApi on window.wallet (IPC); in browser mode there is none and the loopback
// HTTP client is used. Code elsewhere in the renderer never knows which host it is on.
import type { WalletApi } from '../../../shared/contract/wallet-api';
import { createHttpWallet, type BackendLinkListener } from './http-client';

declare global {
  interface Window {
    wallet?: WalletApi;
  }
}

let instance: WalletApi | null = null;
/** Every caller's link listener: whoever asks first (any component) creates the instance, all hear the link. */
const linkListeners = new Set<BackendLinkListener>();
let linked: boolean | null = null;
const notifyLink = (connected: boolean) => {
  linked = connected;
  for (const l of linkListeners) l(connected);
};

export function getWallet(onLink: BackendLinkListener): WalletApi {
  if (!linkListeners.has(onLink)) {
    linkListeners.add(onLink);
    // Told the current state once the caller has its instance (after this call returns).
    queueMicrotask(() => linked !== null && onLink(linked));
  }
  if (instance) return instance;
  if (window.wallet) {
    instance = window.wallet;
    notifyLink(true); // IPC is always there while the window lives
  } else {
    instance = createHttpWallet(notifyLink);
  }
  return instance;
}
