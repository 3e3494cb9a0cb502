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

export function getWallet(onLink: BackendLinkListener): WalletApi {
  if (instance) return instance;
  if (window.wallet) {
    onLink(true); // IPC is always there while the window lives
    instance = window.wallet;
  } else {
    instance = createHttpWallet(onLink);
  }
  return instance;
}
