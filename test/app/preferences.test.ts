// Display preferences: validated at the contract (bad locale, time zone, oversized layouts are
// refused and nothing changes), merged by key, kept in settings.json beside the tax settings,
// pushed on change, and still there after a restart (a new store over the same folder).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch, type WalletHandlers } from '../../electron/api/dispatch.js';
import { PreferencesStore } from '../../electron/app/preferences.js';
import { createHandlers, type HandlerContext } from '../../electron/app/handlers.js';
import { WalletEventBus } from '../../electron/api/events.js';
import { DEFAULT_PREFERENCES, LAYOUTS_MAX, type Preferences } from '../../shared/contract/preferences.js';

function setup(file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cw-prefs-')), 'settings.json')) {
  const pushed: Preferences[] = [];
  const store = new PreferencesStore(file, (p) => pushed.push(p));
  // Only the preferences part of the context is used by these two handlers.
  const handlers: WalletHandlers = createHandlers({ preferences: store } as unknown as HandlerContext);
  const call = (method: string, payload: unknown = {}) => dispatch(handlers, method, payload, (_m, e) => { throw e; });
  return { file, store, pushed, call };
}

const result = async (p: Promise<Awaited<ReturnType<typeof dispatch>>>): Promise<Preferences> => {
  const out = await p;
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return out.result as Preferences;
};

describe('preferences', () => {
  it('start with the defaults: follow the system, confirm orders, no layouts', async () => {
    const { call } = setup();
    expect(await result(call('getPreferences'))).toEqual(DEFAULT_PREFERENCES);
    expect(DEFAULT_PREFERENCES).toEqual({ theme: 'system', locale: null, time_zone: null, confirm_orders: true, layouts: {} });
  });

  it('change only the fields given, canonicalize locale and zone, and push the result', async () => {
    const { call, pushed } = setup();
    const p = await result(call('updatePreferences', { theme: 'light', locale: 'de-de', time_zone: 'europe/berlin' }));
    expect(p).toEqual({ ...DEFAULT_PREFERENCES, theme: 'light', locale: 'de-DE', time_zone: 'Europe/Berlin' });
    const q = await result(call('updatePreferences', { confirm_orders: false }));
    expect(q).toEqual({ ...p, confirm_orders: false });
    expect(pushed).toEqual([p, q]);
    // null goes back to the system's.
    expect(await result(call('updatePreferences', { locale: null, time_zone: null }))).toMatchObject({ locale: null, time_zone: null });
  });

  it('merge layouts by key; null removes one', async () => {
    const { call } = setup();
    await result(call('updatePreferences', { layouts: { 'trade.main': [70, 30], 'trade.side': [50, 50] } }));
    const p = await result(call('updatePreferences', { layouts: { 'trade.main': [60, 40], 'trade.side': null } }));
    expect(p.layouts).toEqual({ 'trade.main': [60, 40] });
  });

  it.each([
    ['an unknown locale', { locale: 'xx-not-a-locale-at-all' }, 'locale'],
    ['a malformed locale', { locale: 'en_US!' }, 'locale'],
    ['an unknown time zone', { time_zone: 'Mars/Olympus_Mons' }, 'time_zone'],
    ['an unknown theme', { theme: 'sepia' }, 'theme'],
    ['an unknown field', { font_size: 20 }, '(root)'],
    ['a layout key too long', { layouts: { ['k'.repeat(41)]: [50, 50] } }, `layouts.${'k'.repeat(41)}`],
    ['a layout with too many panels', { layouts: { a: [10, 10, 10, 10, 10, 10, 10, 10, 20] } }, 'layouts.a'],
    ['a panel size over 100', { layouts: { a: [150] } }, 'layouts.a.0'],
    ['a negative panel size', { layouts: { a: [-1, 101] } }, 'layouts.a.0'],
    ['too many layouts at once', { layouts: Object.fromEntries(Array.from({ length: LAYOUTS_MAX + 1 }, (_, i) => [`l${i}`, [100]])) }, 'layouts'],
  ])('refuse %s with a specific error, changing nothing', async (_what, update, where) => {
    const { call, file, pushed } = setup();
    await result(call('updatePreferences', { theme: 'dark', layouts: { keep: [40, 60] } }));
    const before = readFileSync(file, 'utf8');
    const out = await call('updatePreferences', { ...update, confirm_orders: false });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('invalid_request');
    expect(out.error.issues?.[0]?.path).toBe(where);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(pushed).toHaveLength(1);
  });

  it('refuse an update whose merge would keep more than the layout limit, changing nothing', async () => {
    const { call, file } = setup();
    await result(call('updatePreferences', { layouts: Object.fromEntries(Array.from({ length: LAYOUTS_MAX }, (_, i) => [`l${i}`, [100]])) }));
    const before = readFileSync(file, 'utf8');
    const out = await call('updatePreferences', { layouts: { one_more: [100] } });
    expect(out).toMatchObject({ ok: false, error: { code: 'too_many_layouts' } });
    expect(readFileSync(file, 'utf8')).toBe(before);
    // Replacing one and removing one in the same update is fine.
    expect((await result(call('updatePreferences', { layouts: { l0: null, one_more: [100] } }))).layouts).toHaveProperty('one_more');
  });

  it('persist across a restart, next to the tax settings (neither overwrites the other)', async () => {
    const first = setup();
    writeFileSync(first.file, JSON.stringify({ tax: { method_orders: [], mint_basis: 'zero', wash_sale: true, digital_asset: false, filing_status: 'single' } }));
    await result(first.call('updatePreferences', { theme: 'dark', locale: 'fr-FR', time_zone: 'Asia/Tokyo', layouts: { 'trade.main': [65, 35] } }));
    const again = setup(first.file);
    expect(await result(again.call('getPreferences'))).toEqual({ theme: 'dark', locale: 'fr-FR', time_zone: 'Asia/Tokyo', confirm_orders: true, layouts: { 'trade.main': [65, 35] } });
    expect(JSON.parse(readFileSync(first.file, 'utf8')).tax).toMatchObject({ mint_basis: 'zero', wash_sale: true });
  });

  it('are a state event: a host connecting later gets the last one', () => {
    const bus = new WalletEventBus();
    const store = new PreferencesStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'cw-prefs-')), 'settings.json'), (p) => bus.emit('preferences', p));
    store.update({ theme: 'light' });
    expect(bus.snapshot()).toContainEqual(['preferences', { ...DEFAULT_PREFERENCES, theme: 'light' }]);
  });
});
