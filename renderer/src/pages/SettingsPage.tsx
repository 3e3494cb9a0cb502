import { useWallet } from '../store';

export function SettingsPage() {
  const info = useWallet((s) => s.info);
  const status = useWallet((s) => s.status);
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {info?.secret_store.warning && (
        <p className="warning" role="alert">{info.secret_store.warning}</p>
      )}
      <dl className="kv">
        <dt>Platform</dt>
        <dd>{status ? `${status.platform_url}${status.demo ? ' (embedded demo platform)' : ''}` : '—'}</dd>
        <dt>Data folder</dt>
        <dd><code>{info?.data_dir ?? '—'}</code></dd>
        <dt>Secrets kept in</dt>
        <dd>{info ? (info.secret_store.kind === 'os-keychain' ? 'the OS keychain' : 'an encrypted file (not the OS keychain)') : '—'}</dd>
        <dt>Running as</dt>
        <dd>{info ? (info.host === 'desktop' ? 'desktop app' : 'browser mode (loopback only)') : '—'}</dd>
        <dt>Version</dt>
        <dd>{info?.app_version ?? '—'}</dd>
      </dl>
    </section>
  );
}
