// Wallet API schemas for work left in an archived ledger (issue 13): when the ledger is
// archived because the app now follows another platform account or API key, orders still
// queued and redemptions still waiting are listed here, never dropped; the user sends them
// with the new key (same platform account only) or cancels them. Node-free.
import { z } from 'zod';
import { zIsoTime } from '../platform/events.js';

export const STRANDED_LIST_MAX = 500;

export const StrandedItem = z.strictObject({
  kind: z.enum(['order', 'redemption']),
  /** The order's client_order_id or the redemption's request_id (kept when sent again). */
  id: z.string().min(1).max(64),
  /** "buy 10 @ 0.05 (limit)", "redeem 2 tokens". */
  summary: z.string().max(200),
  /** Its state in the archived ledger: queued, sending, unknown (orders), pending (redemptions). */
  state_when_archived: z.string().max(32),
  archived_file: z.string().max(4096),
  archived_at: zIsoTime,
  status: z.enum(['waiting', 'sent', 'canceled']),
  resolved_at: zIsoTime.nullable(),
});
export type StrandedItem = z.infer<typeof StrandedItem>;

export const StrandedList = z.strictObject({
  items: z.array(StrandedItem).max(STRANDED_LIST_MAX),
  /** Items waiting for a choice. */
  waiting: z.number().int().nonnegative(),
  /** Whether "send" is possible now: the new key is for the same platform account. */
  send_allowed: z.boolean(),
  send_blocked_reason: z.string().max(300).nullable(),
});
export type StrandedList = z.infer<typeof StrandedList>;

export const ResolveStrandedInput = z.strictObject({
  kind: z.enum(['order', 'redemption']),
  id: z.string().min(1).max(64),
  action: z.enum(['send', 'cancel']),
});
export type ResolveStrandedInput = z.infer<typeof ResolveStrandedInput>;
