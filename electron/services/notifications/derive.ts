// What the user should hear about, derived from a batch of account events: pure, so the
// wording and the grouping are tested without a database. Each draft has a key that names
// the event it comes from; the store records each key once.
import { D, dec, toCanonical, ZERO, type Dec } from '../../../shared/money.js';
import type { AccountEvent } from '../../../shared/platform/events.js';
import type { NotificationKind } from '../../../shared/contract/notifications.js';

export interface Draft {
  /** Names the source event(s): recorded once, ever. */
  key: string;
  kind: NotificationKind;
  title: string;
  body: string;
  time: string;
}

/** More drafts of one kind than this in one batch (a catch-up) become one summary. */
export const BATCH_PER_KIND_MAX = 3;

const money = (x: Dec, places = 2) => `$${x.toFixed(places, D.ROUND_HALF_UP)}`;
const amount = (x: string | Dec) => toCanonical(typeof x === 'string' ? dec(x) : x);

type Fill = Extract<AccountEvent, { type: 'fill' }>;
type OrderEv = Extract<AccountEvent, { type: 'order' }>;

/** The drafts for one batch of applied events, oldest first, in the batch's order. */
export function draftsFromEvents(events: readonly AccountEvent[], symbol: string): Draft[] {
  const fills = new Map<string, Fill[]>();
  const lastOrder = new Map<string, OrderEv>();
  const out: Draft[] = [];
  for (const e of events) {
    if (e.type === 'fill') fills.set(e.order_id, [...(fills.get(e.order_id) ?? []), e]);
    else if (e.type === 'order') lastOrder.set(e.order_id, e);
  }
  for (const e of events) {
    switch (e.type) {
      case 'fill': {
        const group = fills.get(e.order_id);
        if (group?.[0] !== e) break; // one draft per order per batch, at its first fill
        out.push(fillDraft(group, lastOrder.get(e.order_id) ?? null, symbol));
        break;
      }
      case 'mint':
        out.push({
          key: `period:${e.period_id}`,
          kind: 'period_close',
          title: `Period closed: ${amount(e.tokens)} ${symbol} minted`,
          body: `Your unused credits became ${amount(e.tokens)} ${symbol}, worth ${money(dec(e.tokens).times(dec(e.market_price_usd)))} at ${money(dec(e.market_price_usd), 4)} (face value ${money(dec(e.face_value_usd), 4)}).`,
          time: e.time,
        });
        break;
      case 'renewal_credit':
        out.push({
          key: `period:${e.period_id}`,
          kind: 'period_close',
          title: `Period closed: ${money(dec(e.credit_usd))} renewal credit`,
          body: `${amount(e.credits)} unused credits took ${money(dec(e.credit_usd))} off the renewal, now ${money(dec(e.next_price_usd))}.${dec(e.forfeited_usd).gt(0) ? ` ${money(dec(e.forfeited_usd))} above the minimum charge was not refunded.` : ''}`,
          time: e.time,
        });
        break;
      case 'period_close':
        // With unused credits the mint or renewal credit event says it all (with amounts).
        if (dec(e.unused_credits).isZero()) out.push({ key: `period:${e.period_id}`, kind: 'period_close', title: 'Period closed', body: 'No credits were left unused: nothing was minted or credited.', time: e.time });
        break;
      case 'redemption':
        out.push({
          key: `event:${e.id}`,
          kind: 'redemption_done',
          title: `Redeemed ${amount(e.tokens)} ${symbol}`,
          body: `${amount(e.credits)} credits added to this period, at a market price of ${money(dec(e.market_price_usd), 4)} (for tax, a sale at that price).`,
          time: e.time,
        });
        break;
      default:
        break;
    }
  }
  return collapse(out);
}

/**
 * One order's fills in a batch. The title claims only what the batch's order event says (a
 * batch may hold the first fills of an order and the next batch the rest): "filled" when the
 * order is, "partly filled" with how much so far, otherwise "traded".
 */
function fillDraft(group: Fill[], order: OrderEv | null, symbol: string): Draft {
  const first = group[0]!;
  const qty = group.reduce((acc, f) => acc.plus(dec(f.quantity)), ZERO);
  const notional = group.reduce((acc, f) => acc.plus(dec(f.quantity).times(dec(f.price_usd))), ZERO);
  const price = `${group.length > 1 ? 'an average of ' : ''}${money(notional.div(qty), 4)}`;
  const verb = first.side === 'buy' ? 'Bought' : 'Sold';
  const side = first.side === 'buy' ? 'Buy' : 'Sell';
  const these = `${verb} ${amount(qty)} ${symbol} at ${price}`;
  const base = { key: `event:${first.id}`, time: group.at(-1)!.time };
  if (order?.status === 'filled') {
    const whole = dec(order.quantity);
    const body = qty.eq(whole) ? `${these}.` : `${verb} the last ${amount(qty)} of ${amount(whole)} ${symbol} at ${price}: the order is filled.`;
    return { ...base, kind: 'fill', title: `${side} order filled`, body };
  }
  const so_far = order ? ` ${amount(order.filled_quantity)} of ${amount(order.quantity)} filled so far.` : '';
  if (order?.status === 'partially_filled') return { ...base, kind: 'partial_fill', title: `${side} order partly filled`, body: `${these};${so_far}` };
  if (order && (order.status === 'canceled' || order.status === 'expired' || order.status === 'rejected')) {
    return { ...base, kind: 'partial_fill', title: `${side} order partly filled, the rest ${order.status}`, body: `${these}; ${amount(order.filled_quantity)} of ${amount(order.quantity)} filled in all.` };
  }
  return { ...base, kind: 'fill', title: `${side} order traded`, body: `${these}.` };
}

/** A catch-up can carry hundreds of old fills: past BATCH_PER_KIND_MAX of a kind, one summary says how many. */
export function collapse(drafts: Draft[]): Draft[] {
  const byKind = new Map<NotificationKind, Draft[]>();
  for (const d of drafts) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
  const out: Draft[] = [];
  const summarized = new Set<NotificationKind>();
  for (const d of drafts) {
    const same = byKind.get(d.kind)!;
    if (same.length <= BATCH_PER_KIND_MAX) out.push(d);
    else if (!summarized.has(d.kind)) {
      summarized.add(d.kind);
      out.push({
        key: `batch:${same[0]!.key}:${same.length}`,
        kind: d.kind,
        title: `${same.length} × ${same[0]!.title.replace(/^Period closed: .*/, 'Period closed')}`,
        body: `${same.length} of these while the wallet was catching up, from ${same[0]!.time} to ${same.at(-1)!.time}. The latest: ${same.at(-1)!.body}`.slice(0, 500),
        time: same.at(-1)!.time,
      });
    }
  }
  return out;
}
