import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromScaled, toScaled } from '../../electron/services/ledger/amounts.js';
import { FastAccountEvent, FastEventsPage, isAccountEvent, zFastNonNegativeDecimal, zFastPositiveDecimal } from '../../shared/platform/event-check.js';
import { compile } from '../../shared/platform/compiled-check.js';
import { D, toCanonical, zNonNegativeDecimal, zPositiveDecimal } from '../../shared/money.js';
import { AccountEvent, EventsPage } from '../../shared/platform/events.js';
import { generateStream } from '../sim/gen.js';

const decimalText = fc.oneof(
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.nat({ max: 8 })).map(([neg, n, digits]) => {
    const s = n.toString().padStart(digits + 1, '0');
    const txt = digits ? `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}` : s;
    return (neg ? '-' : '') + txt.replace(/^0+(?=\d)/, '');
  }),
  fc.constantFrom('0', '-0', '0.0', '-0.00', '00', '1.', '.5', '1e5', '+1', '0.10', '-0.5', ' 1', '0.000000001', '1'.repeat(41)),
  fc.string({ maxLength: 12 }),
);

describe('scaled amounts', () => {
  it('round-trips every decimal with up to 8 fractional digits exactly', () => {
    fc.assert(
      fc.property(decimalText, (s) => {
        if (!/^-?(0|[1-9]\d*)(\.\d+)?$/.test(s)) return true;
        let v: bigint;
        try {
          v = toScaled(s);
        } catch {
          // Only more than 8 fractional digits or a 64-bit overflow may throw.
          const frac = (s.split('.')[1] ?? '').replace(/0+$/, '');
          return frac.length > 8 || new D(s).abs().mul(1e8).gt(new D(2).pow(63).sub(1));
        }
        return fromScaled(v) === toCanonical(new D(s));
      }),
      { numRuns: 2000 },
    );
    expect(() => toScaled('0.000000001')).toThrow(/more than 8/);
    expect(() => toScaled('92233720368.54775808')).toThrow(/overflows/);
    expect(toScaled('92233720368.54775807')).toBe(2n ** 63n - 1n);
    expect(fromScaled(-5n)).toBe('-0.00000005');
  });

  it('the fast validators accept exactly what the shared schemas accept', () => {
    fc.assert(
      fc.property(decimalText, (s) => {
        // The shared refine throws (DecimalError) on text the regex already rejected: count as a rejection.
        const ok = (schema: { safeParse(x: unknown): { success: boolean } }) => {
          try {
            return schema.safeParse(s).success;
          } catch {
            return false;
          }
        };
        return ok(zFastPositiveDecimal) === ok(zPositiveDecimal) && ok(zFastNonNegativeDecimal) === ok(zNonNegativeDecimal);
      }),
      { numRuns: 3000 },
    );
  });

  it('FastAccountEvent agrees with AccountEvent on valid and mutated events', () => {
    const { events } = generateStream({ seed: 21, count: 400 });
    const mutations: ((e: Record<string, unknown>) => Record<string, unknown>)[] = [
      (e) => e,
      (e) => ({ ...e, extra: 1 }),
      (e) => ({ ...e, seq: -1 }),
      (e) => ({ ...e, type: 'nope' }),
      (e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' && /^\d/.test(v) ? '-' + v : v])),
      (e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? '0' : v])),
    ];
    for (const e of events) {
      for (const m of mutations) {
        const x = m(e as unknown as Record<string, unknown>);
        expect(FastAccountEvent.safeParse(x).success).toBe(AccountEvent.safeParse(x).success);
      }
    }
  });

  it('the compiled check accepts exactly what AccountEvent accepts', () => {
    const { events } = generateStream({ seed: 22, count: 600 });
    const shared = (x: unknown) => {
      try {
        return AccountEvent.safeParse(x).success;
      } catch {
        return false; // the shared refine throws on some malformed text: a rejection
      }
    };
    const values: unknown[] = [null, undefined, 0, 1.5, -1, 2 ** 53, '', 'x', '1', '-0', '0.00', '1e3', ' 1', 'open', 'buy', true, [], {}, 'a'.repeat(65),
      '2026-01-01T00:00:00Z', '2026-01-01T00:00:00', '2026-02-30T00:00:00Z', '2026-01-01T00:00:00+01:00', 'evt:1.a_b-c', 'evt 1'];
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length - 1 }), fc.nat(), fc.constantFrom(...values), fc.boolean(), (i, k, value, remove) => {
        const e = { ...(events[i] as unknown as Record<string, unknown>) };
        const keys = Object.keys(e);
        const key = k % (keys.length + 1) === keys.length ? 'extra_key' : (keys[k % (keys.length + 1)] as string);
        if (remove) delete e[key];
        else e[key] = value;
        checked += 1;
        return isAccountEvent(e) === shared(e);
      }),
      { numRuns: 4000 },
    );
    for (const e of events) expect(isAccountEvent(e)).toBe(true);
    for (const x of [null, 'x', 5, [], { type: 'deposit' }]) expect(isAccountEvent(x)).toBe(false);
    expect(checked).toBe(4000);
  });

  it('FastEventsPage (the client\'s) accepts exactly the pages EventsPage accepts, naming the bad event', () => {
    const { events } = generateStream({ seed: 23, count: 300 });
    const good = JSON.parse(JSON.stringify(events)) as Record<string, unknown>[];
    const pages: unknown[] = [
      { events: good, last_seq: 300 },
      { events: [], last_seq: 0 },
      { events: good, last_seq: -1 },
      { events: good, last_seq: 300, extra: true },
      { events: 'nope', last_seq: 1 },
      { last_seq: 1 },
      null,
      { events: new Array(5001).fill(good[0]), last_seq: 1 },
    ];
    for (let i = 0; i < 40; i++) {
      const bad = good.map((e) => ({ ...e }));
      const victim = bad[(i * 7) % bad.length]!;
      const keys = Object.keys(victim);
      const key = keys[i % keys.length]!;
      if (i % 3 === 0) delete victim[key];
      else victim[key] = i % 3 === 1 ? -5 : 'not a value';
      pages.push({ events: bad, last_seq: 300 });
    }
    for (const page of pages) {
      const fast = FastEventsPage.safeParse(page);
      expect(fast.success, JSON.stringify(page).slice(0, 120)).toBe(EventsPage.safeParse(page).success);
    }
    // The message points at the event and field, as zod's does.
    const broken = good.map((e) => ({ ...e }));
    (broken[17] as Record<string, unknown>).seq = 'x';
    const r = FastEventsPage.safeParse({ events: broken, last_seq: 300 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['events', 17, 'seq']);
  });

  it('the compiler refuses JSON Schema keywords it does not know', () => {
    expect(() => compile({ type: 'string', contentEncoding: 'base64' } as never)).toThrow(/unsupported JSON Schema keyword "contentEncoding"/);
    expect(() => compile({ type: 'string', format: 'email' })).toThrow(/without a pattern/);
  });
});
