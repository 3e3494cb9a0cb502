// Calls into a wallet app through dispatch(), as both hosts make them: `call` gives the envelope,
// `ok` the result (or throws with the error's code and message). Internal errors are collected.
import { dispatch } from '../../electron/api/dispatch.js';
import type { WalletApp } from '../../electron/app/wallet-app.js';

export function caller(app: () => WalletApp, internal: unknown[]) {
  const call = async (method: string, payload: unknown = {}) => dispatch(app().handlers, method, payload, (_m, e) => internal.push(e));
  const ok = async <T>(method: string, payload: unknown = {}): Promise<T> => {
    const out = await call(method, payload);
    if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`);
    return out.result as T;
  };
  return { call, ok };
}
