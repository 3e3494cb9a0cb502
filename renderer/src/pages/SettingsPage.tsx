import { useState, type FormEvent } from 'react';
import { walletApi, useSession as useWallet } from '../store';
import { ConfigurePlatformRequest } from '../../../shared/contract/wallet-api';
import { DisplaySettings } from '../components/DisplaySettings';

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
      <DisplaySettings />
      {/* Remounted once the connected platform is known: its URL fills the form (the key and secret are never shown). */}
      <PlatformForm key={status?.platform_url ?? ''} current={status && !status.demo ? status.platform_url : ''} />
    </section>
  );
}

function PlatformForm({ current }: { current: string }) {
  const [use, setUse] = useState<'demo' | 'platform'>('platform');
  const [url, setUrl] = useState(current);
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const request = use === 'demo' ? { use } : { use, platform_url: url.trim(), key_id: keyId.trim(), secret };
    const parsed = ConfigurePlatformRequest.safeParse(request);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      setMessage({ ok: false, text: `${i.path.join('.') || 'settings'}: ${i.message}` });
      return;
    }
    try {
      const r = await walletApi().configurePlatform(parsed.data);
      setSecret(''); // do not keep the secret in the page longer than needed
      setMessage({ ok: true, text: `Saved. Restart Compute Wallet to connect to ${r.platform}.` });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} aria-label="Platform connection">
      <h2>Platform connection</h2>
      <div className="segmented" role="radiogroup" aria-label="Platform">
        <button type="button" role="radio" aria-checked={use === 'platform'} className={use === 'platform' ? 'chip active' : 'chip'} onClick={() => setUse('platform')}>A platform</button>
        <button type="button" role="radio" aria-checked={use === 'demo'} className={use === 'demo' ? 'chip active' : 'chip'} onClick={() => setUse('demo')}>Embedded demo</button>
      </div>
      {use === 'platform' && (
        <>
          <label>Platform URL<input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://platform.example" autoComplete="url" /></label>
          <label>API key id<input value={keyId} onChange={(e) => setKeyId(e.target.value)} autoComplete="username" /></label>
          <label>API secret<input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="current-password" /></label>
        </>
      )}
      <button type="submit" className="chip">Save</button>
      {message && <p className={message.ok ? 'pos' : 'error-text'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </form>
  );
}
