// The notifications button (named "Notifications", with the unread count), its list, and the
// toasts for new ones. Data from the notifications store (store/notifications.ts).
import { useEffect, useState } from 'react';
import { useNotifications } from '../store/notifications';
import { walletApi } from '../store';
import { dateTime, errorText } from '../format';
import { NOTIFICATION_KINDS, NOTIFICATION_KIND_LABELS, type NotificationKind, type NotificationSettings } from '../../../shared/contract/notifications';

export function NotificationsButton({ host }: { host: 'desktop' | 'browser' | null }) {
  const [open, setOpen] = useState(false);
  const unread = useNotifications((s) => s.unread);
  return (
    // Escape closes the list from the button or from inside it.
    <div className="notif" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
      <button type="button" className="chip notif-button" aria-label="Notifications" aria-expanded={open} aria-controls="notif-panel" aria-describedby={unread > 0 ? 'notif-unread' : undefined} onClick={() => setOpen(!open)} data-testid="notifications-button">
        <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" /></svg> <span className="notif-label">Notifications</span>
        {unread > 0 && <span className="badge" id="notif-unread" data-testid="unread-count">{unread}<span className="visually-hidden"> unread</span></span>}
      </button>
      {open && <NotificationsPanel host={host} onClose={() => setOpen(false)} />}
    </div>
  );
}

function NotificationsPanel({ host, onClose }: { host: 'desktop' | 'browser' | null; onClose: () => void }) {
  const items = useNotifications((s) => s.items);
  const unread = useNotifications((s) => s.unread);
  const system = useNotifications((s) => s.system);
  const markAllRead = useNotifications((s) => s.markAllRead);
  const ask = useNotifications((s) => s.askSystemPermission);
  return (
    <div id="notif-panel" className="notif-panel" role="dialog" aria-label="Notifications list">
      <div className="toolbar">
        <strong>{unread} unread</strong>
        <button type="button" className="chip" onClick={() => void markAllRead()} disabled={unread === 0}>Mark all read</button>
        {host === 'browser' && system === 'default' && <button type="button" className="chip" onClick={() => void ask()}>Show as system notifications</button>}
        {host === 'browser' && system === 'denied' && <span className="muted small">System notifications are blocked in this browser.</span>}
        <button type="button" className="chip" onClick={onClose}>Close</button>
      </div>
      <ul className="notif-list" aria-label="Notifications">
        {items.map((n) => (
          <li key={n.id} className={n.read ? 'read' : 'unread'} data-kind={n.kind}>
            <strong>{n.title}</strong>
            <span>{n.body}</span>
            <time className="muted small" dateTime={n.time}>{dateTime(n.time)}</time>
          </li>
        ))}
        {items.length === 0 && <li className="muted">Nothing yet.</li>}
      </ul>
      <KindSettings />
    </div>
  );
}

/** A setting per kind: shown in the app, and as a system notification. */
function KindSettings() {
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    queueMicrotask(() => void walletApi().getNotificationSettings({}).then(setSettings, (err: unknown) => setError(errorText(err))));
  }, []);
  const change = async (kind: NotificationKind, c: { show?: boolean; system?: boolean }) => {
    try {
      setSettings(await walletApi().updateNotificationSettings({ kind, ...c }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <details className="notif-settings">
      <summary>Which notifications</summary>
      {error && <p className="error-text" role="alert">{error}</p>}
      {settings && (
        <table className="table" aria-label="Notification settings">
          <thead><tr><th>Kind</th><th>Show</th><th>System</th></tr></thead>
          <tbody>
            {NOTIFICATION_KINDS.map((k) => (
              <tr key={k}>
                <td>{NOTIFICATION_KIND_LABELS[k]}</td>
                <td><input type="checkbox" aria-label={`Show: ${NOTIFICATION_KIND_LABELS[k]}`} checked={settings.kinds[k].show} onChange={(e) => void change(k, { show: e.target.checked })} /></td>
                <td><input type="checkbox" aria-label={`System notification: ${NOTIFICATION_KIND_LABELS[k]}`} checked={settings.kinds[k].system} onChange={(e) => void change(k, { system: e.target.checked })} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

export function Toasts() {
  const toasts = useNotifications((s) => s.toasts);
  const dismiss = useNotifications((s) => s.dismissToast);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="New notifications">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-testid="toast" data-kind={t.kind}>
          <strong>{t.title}</strong>
          <span>{t.body}</span>
          <button type="button" className="chip" aria-label={`Dismiss: ${t.title}`} onClick={() => dismiss(t.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
