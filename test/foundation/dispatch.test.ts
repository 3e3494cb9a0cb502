// The dispatcher both hosts share: only contract methods, only valid payloads reach a
// handler, and only valid responses leave.
import { describe, expect, it, vi } from 'vitest';
import { dispatch, type WalletHandlers } from '../../electron/api/dispatch.js';
import { WALLET_METHOD_NAMES, WalletApiError, methodChannel, walletMethods } from '../../shared/contract/wallet-api.js';
import { sampleHandlers } from './sample-handlers.js';

describe('contract', () => {
  it('every method has strict request and response schemas and a unique channel', () => {
    const channels = new Set(WALLET_METHOD_NAMES.map(methodChannel));
    expect(channels.size).toBe(WALLET_METHOD_NAMES.length);
    for (const m of WALLET_METHOD_NAMES) {
      const spec = walletMethods[m];
      expect(spec.request.safeParse({ __unknown_field__: 1 }).success, m).toBe(false);
    }
  });
});

describe('dispatch', () => {
  const handlers = sampleHandlers();
  const noError = () => { throw new Error('unexpected internal error'); };

  it('calls the named handler with the parsed request', async () => {
    const out = await dispatch(handlers, 'getCandles', { interval: '1h' }, noError);
    expect(out.ok).toBe(true);
    if (out.ok) expect((out.result as { candles: unknown[] }).candles).toHaveLength(2);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'getCandles ', '', 42, null])('refuses method %j', async (m) => {
    const out = await dispatch(handlers, m, {}, noError);
    expect(out).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it.each([
    ['unknown field', 'getStatus', { extra: true }],
    ['wrong enum', 'getCandles', { interval: '2m' }],
    ['float where an int is due', 'getCandles', { interval: '1h', limit: 1.5 }],
    ['over the limit', 'getCandles', { interval: '1h', limit: 100000 }],
    ['not an object', 'getStatus', 'hello'],
    ['array', 'getStatus', []],
  ])('refuses a bad payload (%s) before any handler runs', async (_label, method, payload) => {
    const spy = vi.fn(handlers[method as keyof WalletHandlers]);
    const out = await dispatch({ ...handlers, [method]: spy }, method, payload, noError);
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('passes WalletApiError codes through and hides other failures behind internal_error', async () => {
    const failing: WalletHandlers = {
      ...handlers,
      getStatus: async () => { throw new WalletApiError('offline', 'the platform is not reachable'); },
      getMarket: async () => { throw new Error('boom'); },
    };
    const internal = vi.fn();
    expect(await dispatch(failing, 'getStatus', {}, internal)).toEqual({ ok: false, error: { code: 'offline', message: 'the platform is not reachable' } });
    expect(await dispatch(failing, 'getMarket', {}, internal)).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(internal).toHaveBeenCalledTimes(1);
  });

  it('refuses a response that breaks the contract', async () => {
    const broken = { ...handlers, getStatus: async () => ({ state: 'sleeping' }) } as unknown as WalletHandlers;
    const internal = vi.fn();
    expect(await dispatch(broken, 'getStatus', {}, internal)).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(internal).toHaveBeenCalledTimes(1);
  });
});
