import { useEffect } from 'react';
import { PAGES, startStores, useOnline, useSession, walletApi, type Page } from './store';
import { StatusBar } from './components/StatusBar';
import { StrandedNotice } from './components/StrandedNotice';
import { OverviewPage } from './pages/OverviewPage';
import { MarketsPage } from './pages/MarketsPage';
import { SettingsPage } from './pages/SettingsPage';
import { ActivityPage } from './pages/ActivityPage';
import { TaxPage } from './pages/TaxPage';
import { TradePage } from './pages/TradePage';
import { ComputePage } from './pages/ComputePage';
import { NotificationsButton, Toasts } from './components/Notifications';
import { useNotifications } from './store/notifications';
import { useInstrument } from './store/instrument';
import { usePreferences } from './store/preferences';

/** Glyphs for the collapsed navigation rail (decorative: each button is named by its label). */
const NAV_ICONS: Record<Page, string> = { overview: '◉', markets: '↗', trade: '⇄', activity: '☰', tax: '§', compute: '⚙', settings: '⚒' };

export function App() {
  const page = useSession((s) => s.page);
  const setPage = useSession((s) => s.setPage);

  const linked = useSession((s) => s.backend_connected);
  // A locale or time-zone change re-renders every screen (format.ts reads the setting when called).
  usePreferences((s) => `${s.prefs.locale ?? ''}|${s.prefs.time_zone ?? ''}`);
  const host = useSession((s) => s.info?.host ?? null);
  const startNotifications = useNotifications((s) => s.start);
  const loadInstrument = useInstrument((s) => s.load);

  useEffect(() => startStores(), []);
  // After the stores started: notifications (list, toasts, system ones in browser mode) and the token's name.
  useEffect(() => startNotifications(walletApi(), () => useSession.getState().info?.host ?? null), [startNotifications]);
  const online = useOnline();
  useEffect(() => {
    if (linked) queueMicrotask(() => void loadInstrument(walletApi()));
  }, [linked, online, loadInstrument]);

  // Keyboard: Alt+1..9 switches pages from anywhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const target = PAGES.find((p) => p.key === e.key);
      if (target) {
        e.preventDefault();
        setPage(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setPage]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> <span className="brand-name">Compute Wallet</span>
        </div>
        <NotificationsButton host={host} />
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={p.id === page ? 'nav-item active' : 'nav-item'}
                aria-current={p.id === page ? 'page' : undefined}
                onClick={() => setPage(p.id)}
                title={`${p.label} (Alt+${p.key})`}
              >
                <span className="nav-icon" aria-hidden="true">{NAV_ICONS[p.id]}</span>
                <span className="nav-label">{p.label}</span>
                <kbd aria-hidden="true">Alt+{p.key}</kbd>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <StrandedNotice />
        {page === 'overview' && <OverviewPage />}
        {page === 'markets' && <MarketsPage />}
        {page === 'trade' && <TradePage />}
        {page === 'activity' && <ActivityPage />}
        {page === 'tax' && <TaxPage />}
        {page === 'compute' && <ComputePage />}
        {page === 'settings' && <SettingsPage />}
      </main>
      <Toasts />
      <StatusBar />
    </div>
  );
}
