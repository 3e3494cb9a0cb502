// Desktop host of the wallet API: one ipcMain handler per contract method.
// Every handler checks the sender frame before anything else: only the top frame of our
// own window, showing our app:// origin, may call. That stops a navigated-away page, an
// injected iframe or any other webContents from reaching the wallet.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { WALLET_METHOD_NAMES, eventChannel, methodChannel } from '../../shared/contract/wallet-api.js';
import { dispatch, type WalletHandlers } from '../api/dispatch.js';
import type { WalletEventBus } from '../api/events.js';
import { isTrustedSenderUrl } from '../security/policy.js';

export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (!frame || !window || window.isDestroyed()) return false;
  if (event.sender.id !== window.webContents.id) return false; // another webContents
  if (frame !== window.webContents.mainFrame) return false; // a subframe
  return isTrustedSenderUrl(frame.url);
}

export function registerWalletIpc(
  handlers: WalletHandlers,
  events: WalletEventBus,
  getWindow: () => BrowserWindow | null,
  onInternalError: (method: string, err: unknown) => void,
): () => void {
  for (const method of WALLET_METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, payload: unknown) => {
      if (!isTrustedSender(event, getWindow())) {
        return { ok: false, error: { code: 'untrusted_sender', message: 'IPC from an untrusted frame was refused' } };
      }
      return dispatch(handlers, method, payload, onInternalError);
    });
  }
  const unsubscribe = events.subscribe((name, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const method of WALLET_METHOD_NAMES) ipcMain.removeHandler(methodChannel(method));
  };
}
