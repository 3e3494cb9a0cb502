// Order states and end reasons in plain words, for the orders panel, the ticket's status line
// and the Activity journal.
import type { OrderState } from '../../../../shared/contract/orders';

/** The platform's end reasons are codes; the wallet's own are already words. */
const REASON_TEXT: Record<string, string> = {
  canceled_by_user: 'on request',
  good_till_date_expired: 'its good-till time passed',
  post_only_would_cross: 'post-only, and it would have traded at once',
  fill_or_kill_not_fillable: 'fill-or-kill, and the book could not fill all of it',
  self_trade_prevention: 'it would have traded with an order of this account',
  market_order_remainder: 'the rest of the market order found no seller or buyer',
  immediate_or_cancel_remainder: 'immediate-or-cancel, and the rest did not trade at once',
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? (/^[a-z]+(_[a-z]+)+$/.test(reason) ? reason.replaceAll('_', ' ') : reason);
}

/** An order's state as the user reads it. */
export const STATE_LABEL: Record<OrderState, string> = {
  queued: 'Queued (offline)',
  sending: 'Sending',
  unknown: 'Checking with platform',
  open: 'Open',
  partially_filled: 'Partially filled',
  filled: 'Filled',
  canceled: 'Canceled',
  expired: 'Expired',
  rejected: 'Rejected',
};
