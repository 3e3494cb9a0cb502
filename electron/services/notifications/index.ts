export { NotificationService, migrateNotifications, NOTIFICATIONS_KEPT_MAX, SYNC_FAILING_AFTER_MS, type AppliedBatch, type NotificationServiceOptions, type OrderLike } from './service.js';
export { draftsFromEvents, collapse, BATCH_PER_KIND_MAX, type Draft } from './derive.js';
