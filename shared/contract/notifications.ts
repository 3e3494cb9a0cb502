// Wallet API schemas for notifications: what happened to the account that the user should
// hear about (fills, orders that expired before they could be sent or were sent after a
// reconnect, period close, redemptions, a sync that keeps failing), each once, with a
// setting per kind. Node-free (the renderer uses them too).
import { z } from 'zod';
import { zIsoTime } from '../platform/events.js';

export const NOTIFICATION_KINDS = ['fill', 'partial_fill', 'order_expired', 'queued_sent', 'period_close', 'redemption_done', 'sync_failing'] as const;
export const zNotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof zNotificationKind>;

/** Words for each kind (settings screen, list filter). */
export const NOTIFICATION_KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  fill: 'Order filled',
  partial_fill: 'Order partly filled',
  order_expired: 'Order expired before it could be sent',
  queued_sent: 'Queued orders sent after reconnecting',
  period_close: 'Period closed (tokens minted or renewal credit)',
  redemption_done: 'Redemption done',
  sync_failing: 'Sync failing for more than a minute',
};

export const NotificationView = z.strictObject({
  id: z.number().int().positive(),
  kind: zNotificationKind,
  title: z.string().max(120),
  body: z.string().max(500),
  /** When it happened (the event's time), and when the wallet learned of it. */
  time: zIsoTime,
  created_at: zIsoTime,
  read: z.boolean(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const NOTIFICATIONS_LIST_MAX = 200;

export const ListNotificationsRequest = z.strictObject({ limit: z.number().int().min(1).max(NOTIFICATIONS_LIST_MAX).default(50) });
export const NotificationList = z.strictObject({
  notifications: z.array(NotificationView).max(NOTIFICATIONS_LIST_MAX),
  unread: z.number().int().nonnegative(),
});
export type NotificationList = z.infer<typeof NotificationList>;

/** Mark some (by id) or all as read. */
export const MarkReadRequest = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(NOTIFICATIONS_LIST_MAX) }),
  z.strictObject({ all: z.literal(true) }),
]);

export const KindSetting = z.strictObject({
  /** In the list and as a toast. Off: the event is still marked as handled (no late storm when turned on). */
  show: z.boolean(),
  /** Also as a system notification (Electron's Notification, or the browser's once allowed). */
  system: z.boolean(),
});
export const NotificationSettings = z.strictObject({
  kinds: z.strictObject(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, KindSetting])) as Record<NotificationKind, typeof KindSetting>),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const UpdateNotificationSettings = z.strictObject({ kind: zNotificationKind, show: z.boolean().optional(), system: z.boolean().optional() });

/** Pushed when a notification is recorded: the renderer toasts it, the shell may show it as a system notification. */
export const NotificationPushed = z.strictObject({
  notification: NotificationView,
  unread: z.number().int().nonnegative(),
  /** The user wants this kind as a system notification too. */
  system: z.boolean(),
});
export type NotificationPushed = z.infer<typeof NotificationPushed>;
