// Preload (sandboxed, context-isolated): exposes exactly the WalletApi on window.wallet.
// One function per contract method, each bound to its own fixed channel. The page never
// gets ipcRenderer, never chooses a channel name, and cannot listen to other channels.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  WALLET_METHOD_NAMES,
  eventChannel,
  isWalletEvent,
  methodChannel,
} from '../../shared/contract/wallet-api.js';

type Result = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const api: Record<string, unknown> = {};
for (const method of WALLET_METHOD_NAMES) {
  const channel = methodChannel(method);
  api[method] = async (request: unknown) => {
    const out = (await ipcRenderer.invoke(channel, request)) as Result;
    if (out.ok) return out.result;
    // Error classes do not survive contextBridge; the code travels in the message prefix.
    const err = new Error(out.error.message) as Error & { code?: string };
    err.code = out.error.code;
    throw err;
  };
}
api.on = (event: unknown, listener: (payload: unknown) => void) => {
  if (!isWalletEvent(event)) throw new Error(`unknown wallet event: ${String(event)}`);
  if (typeof listener !== 'function') throw new Error('listener must be a function');
  const channel = eventChannel(event);
  const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload); // never hand the IPC event object to the page
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
};

contextBridge.exposeInMainWorld('wallet', Object.freeze(api));
