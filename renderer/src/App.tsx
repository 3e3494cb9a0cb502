import { useEffect } from 'react';
import { PAGES, startStores, useSession } from './store';
import { StatusBar } from './components/StatusBar';
import { StrandedNotice } from './components/StrandedNotice';
import { OverviewPage } from './pages/OverviewPage';
import { MarketsPage } from './pages/MarketsPage';
import { SettingsPage } from './pages/SettingsPage';
import { ActivityPage } from './pages/ActivityPage';
import { TaxPage } from './pages/TaxPage';
import { TradePage } from './pages/TradePage';
import { ComputePage } from './pages/ComputePage';

export function App() {
  const page = useSession((s) => s.page);
  const setPage = useSession((s) => s.setPage);

  useEffect(() => startStores(), []);

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
          <span className="brand-mark" aria-hidden="true">◆</span> Compute Wallet
        </div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={p.id === page ? 'nav-item active' : 'nav-item'}
                aria-current={p.id === page ? 'page' : undefined}
                onClick={() => setPage(p.id)}
                title={`Alt+${p.key}`}
              >
                {p.label}
                <kbd>Alt+{p.key}</kbd>
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
      <StatusBar />
    </div>
  );
}
