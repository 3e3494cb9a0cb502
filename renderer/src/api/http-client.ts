// The WalletApi over browser mode's loopback server: POST /api/<method> for calls, one
// WebSocket /api/events for pushed events. Authentication is the HttpOnly cookie the
// server set when the printed URL was opened; this code never sees the token.
import { backoffMs, type BackoffPolicy } from '../../../shared/backoff';
import {
  WALLET_METHOD_NAMES,
  WalletApiError,
  WalletErrorBody,
  isWalletEvent,
  walletEvents,
  type WalletApi,
  type WalletEventName,
} from '../../../shared/contract/wallet-api';

type Listener = (payload: unknown) => void;
export type BackendLinkListener = (connected: boolean) => void;

/** Reconnecting to the wallet service: from 0.5 s up to 15 s, half of it random (many windows spread out). */
const RECONNECT: BackoffPolicy = { base_ms: 500, max_ms: 15_000, jitter: 0.5 };

async function call(method: string, request: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request ?? {}),
      credentials: 'same-origin',
    });
  } catch {
    throw new WalletApiError('backend_unreachable', 'The wallet service is not reachable. Is `npm start` still running?');
  }
  const body = (await res.json().catch(() => null)) as { ok?: boolean; result?: unknown; error?: unknown } | null;
  if (body?.ok === true) return body.result;
  const err = WalletErrorBody.safeParse(body?.error);
  if (err.success) throw new WalletApiError(err.data.code, err.data.message, err.data.issues);
  throw new WalletApiError('bad_response', `The wallet service answered ${res.status} without a readable error.`);
}

export function createHttpWallet(onLink: BackendLinkListener = () => {}): WalletApi {
  const listeners = new Map<WalletEventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let attempt = 0;

  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      onLink(true);
    };
    ws.onmessage = (msg) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(msg.data)) as typeof parsed;
      } catch {
        return;
      }
      if (!isWalletEvent(parsed.event)) return;
      const checked = walletEvents[parsed.event].safeParse(parsed.payload);
      if (!checked.success) return; // the host validates too; a bad event is dropped, not rendered
      for (const l of listeners.get(parsed.event) ?? []) l(checked.data);
    };
    ws.onclose = () => {
      onLink(false);
      socket = null;
      const delay = backoffMs(RECONNECT, Math.min(attempt++, 30));
      setTimeout(connect, delay);
    };
  };
  connect();

  const api: Record<string, unknown> = {};
  for (const name of WALLET_METHOD_NAMES) api[name] = (request: unknown) => call(name, request);
  api.on = (event: WalletEventName, listener: Listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  };
  void socket;
  return api as WalletApi;
}
