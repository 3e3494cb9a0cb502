// Notifications in the renderer: the list with its unread count, toasts for new ones, and,
// in browser mode once the user allows it, the browser's own system notifications (the
// desktop shell shows Electron's). A small store of its own; it only talks to the WalletApi.
import { create } from 'zustand';
import type { WalletApi } from '../../../shared/contract/wallet-api';
import type { NotificationPushed, NotificationView } from '../../../shared/contract/notifications';

/** Toasts on screen at once, and how long one stays. */
export const TOASTS_MAX = 3;
export const TOAST_MS = 8_000;
/** A pushed notification older than this when the page starts is not toasted (a replayed snapshot). */
const STALE_PUSH_MS = 5_000;

export type SystemPermission = 'unsupported' | 'default' | 'granted' | 'denied';

interface NotificationsState {
  items: NotificationView[];
  unread: number;
  toasts: NotificationView[];
  error: string | null;
  /** Browser mode: the Web Notifications permission; the desktop shell needs none. */
  system: SystemPermission;
  start(api: WalletApi, host: () => 'desktop' | 'browser' | null): () => void;
  reload(): Promise<void>;
  markAllRead(): Promise<void>;
  dismissToast(id: number): void;
  askSystemPermission(): Promise<void>;
}

let api: WalletApi | null = null;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function browserPermission(): SystemPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export const useNotifications = create<NotificationsState>((set, get) => ({
  items: [],
  unread: 0,
  toasts: [],
  error: null,
  system: browserPermission(),
  start: (wallet, host) => {
    api = wallet;
    const started_ms = Date.now();
    const off = wallet.on('notification', (p: NotificationPushed) => {
      const n = p.notification;
      if (get().items.some((i) => i.id === n.id)) return; // a snapshot replayed on reconnect
      set((s) => ({ items: [n, ...s.items].slice(0, 200), unread: p.unread }));
      if (Date.parse(n.created_at) < started_ms - STALE_PUSH_MS) return;
      set((s) => ({ toasts: [n, ...s.toasts].slice(0, TOASTS_MAX) }));
      timers.set(n.id, setTimeout(() => get().dismissToast(n.id), TOAST_MS));
      if (p.system && host() === 'browser' && browserPermission() === 'granted') {
        new Notification(n.title, { body: n.body, icon: '/favicon.svg', tag: `cw-${n.id}` });
      }
    });
    queueMicrotask(() => void get().reload());
    return () => {
      off();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    };
  },
  reload: async () => {
    if (!api) return;
    try {
      const r = await api.listNotifications({ limit: 50 });
      set({ items: r.notifications, unread: r.unread, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
  markAllRead: async () => {
    if (!api) return;
    const r = await api.markNotificationsRead({ all: true });
    set((s) => ({ unread: r.unread, items: s.items.map((i) => ({ ...i, read: true })) }));
  },
  dismissToast: (id) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
  askSystemPermission: async () => {
    if (typeof Notification === 'undefined') return;
    set({ system: await Notification.requestPermission() });
  },
}));
