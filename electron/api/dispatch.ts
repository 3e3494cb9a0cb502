// The one place where a call from either host (IPC or browser mode) becomes a handler call.
// Guards: the method must be an own key of the contract (no prototype tricks, no unknown
// channels); the payload must pass the method's strict schema before any handler runs
// (so a compromised renderer cannot reach a service with malformed data); the response is
// validated too, so a handler bug cannot leak fields the contract does not declare.
import type { z } from 'zod';
import {
  isWalletMethod,
  walletMethods,
  WalletApiError,
  type MethodResponse,
  type WalletErrorBody,
  type WalletMethodName,
} from '../../shared/contract/wallet-api.js';

export type HandlerRequest<M extends WalletMethodName> = z.output<(typeof walletMethods)[M]['request']>;
export type WalletHandlers = {
  [M in WalletMethodName]: (request: HandlerRequest<M>) => Promise<MethodResponse<M>>;
};

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: WalletErrorBody };

/** Upper bound on issues reported back for one bad payload. */
const ISSUES_MAX = 20;

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, ISSUES_MAX).map((i) => ({
    path: i.path.map(String).join('.').slice(0, 200) || '(root)',
    message: i.message.slice(0, 500),
  }));
}

export async function dispatch(
  handlers: WalletHandlers,
  method: unknown,
  payload: unknown,
  onInternalError: (method: string, err: unknown) => void,
): Promise<DispatchResult> {
  if (!isWalletMethod(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `unknown wallet method: ${String(method).slice(0, 64)}` } };
  }
  const spec = walletMethods[method];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    const first = issues[0];
    return {
      ok: false,
      error: { code: 'invalid_request', message: `${method}: ${first ? `${first.path}: ${first.message}` : 'invalid request'}`, issues },
    };
  }
  try {
    const handler = handlers[method] as (req: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    const checked = spec.response.safeParse(result);
    if (!checked.success) {
      onInternalError(method, checked.error);
      return { ok: false, error: { code: 'internal_error', message: `${method}: the wallet produced an invalid response` } };
    }
    return { ok: true, result: checked.data };
  } catch (err) {
    if (err instanceof WalletApiError) return { ok: false, error: err.toBody() };
    onInternalError(method, err);
    return { ok: false, error: { code: 'internal_error', message: `${method} failed: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}` } };
  }
}
