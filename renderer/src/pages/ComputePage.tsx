import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { walletApi, useCompute, usePortfolio, useSession } from '../store';
import { loadSubscription } from '../store/compute';
import { dateTime, errorText, qty, usd } from '../format';
import { RedeemInput } from '../../../shared/contract/compute';
import { dec } from '../../../shared/money';
import type { MethodResponse } from '../../../shared/contract/wallet-api';
import { PeriodUpFront } from '../components/PeriodUpFront';
import { useTokenTitle } from '../store/instrument';

type SubscriptionView = MethodResponse<'getSubscription'>;
type Redemption = MethodResponse<'listRedemptions'>['redemptions'][number];

const REDEMPTION_STATE: Record<Redemption['state'], string> = { pending: 'Waiting for the platform', done: 'Redeemed', refused: 'Refused' };

/** This period's compute, what happens to unused credits at close, and redeeming tokens for compute. */
export function ComputePage() {
  const status = useSession((s) => s.status);
  const portfolio = usePortfolio((s) => s.portfolio);
  const online = status?.state === 'online';
  const tokenTitle = useTokenTitle();
  // The subscription view is pushed after every compute event (store/compute.ts).
  const view: SubscriptionView | null = useCompute((s) => s.subscription);
  const subError = useCompute((s) => s.error);
  const setView = (v: SubscriptionView) => useCompute.setState({ subscription: v, error: null });
  const [redemptions, setRedemptions] = useState<Redemption[]>([]);
  const [error, setError] = useState<string | null>(null);

  // Redemptions change only by this screen's own requests (and their retries): read on opening and after a request.
  const reload = useCallback(async () => {
    try {
      setRedemptions((await walletApi().listRedemptions({})).redemptions);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => {
    queueMicrotask(() => void reload()); // state is set when the answers arrive, not in the effect
    // Opened before the store had the subscription (offline start): the copy last fetched, or why there is none.
    if (useCompute.getState().subscription === null) queueMicrotask(() => void loadSubscription(walletApi()));
  }, [reload]);

  const elect = async (election: 'mint' | 'renewal_credit') => {
    try {
      setView(await walletApi().setElection({ election }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const sub = view?.subscription;
  const p = sub?.current_period;
  return (
    <section aria-labelledby="compute-title">
      <h1 id="compute-title">Compute</h1>
      {!online && (
        <p className="warning" role="status">
          Offline: redeeming and changing the election need the platform.
          {view && !view.live ? ` The subscription below is as last fetched, ${dateTime(view.fetched_at)}.` : ''}
        </p>
      )}
      {subError && online && <p className="error-text" role="alert">{subError}</p>}
      <PeriodUpFront helper>
        <article className="card" aria-label="Credits available">
          <h2>Credits available</h2>
          {/* Offline, the ledger's figure is newer than the kept subscription copy. */}
          <p className="big" data-testid="period-available">{qty(view?.live && p ? p.available_credits : (portfolio?.credits.available ?? p?.available_credits))}</p>
          <p className="muted">credits available{p ? ` of ${qty(p.credits)} · ${qty(p.used_credits)} used · ${qty(p.redeemed_credits)} from tokens` : ''}</p>
          {p && <p className="muted">election: {p.election === 'mint' ? 'mint tokens' : 'renewal credit'}</p>}
        </article>
        <article className="card" aria-label="Plan">
          <h2>Plan{sub ? `: ${sub.plan.name}` : ''}</h2>
          <p className="big" data-testid="plan-price">{usd(sub?.plan.price_usd)}</p>
          <p className="muted">{sub ? `${qty(sub.plan.credits)} credits a period · face value ${usd(sub.plan.face_value_usd, 4)} a credit` : '—'}</p>
          <p className="muted">next renewal {usd(sub?.estimated_next_price_usd)}</p>
        </article>
        <article className="card" aria-label="Tokens">
          <h2>{tokenTitle}</h2>
          <p className="big">{qty(portfolio?.token.available)}</p>
          <p className="muted">free to redeem (not held by orders)</p>
        </article>
      </PeriodUpFront>

      <h2 className="section">Unused credits at period close</h2>
      <div className="segmented" role="radiogroup" aria-label="Unused credits at period close">
        {(['mint', 'renewal_credit'] as const).map((e) => (
          <button key={e} type="button" role="radio" aria-checked={p?.election === e} className={p?.election === e ? 'chip active' : 'chip'} disabled={!online || !p} onClick={() => void elect(e)}>
            {e === 'mint' ? 'Mint tokens' : 'Credit my renewal'}
          </button>
        ))}
      </div>
      <p className="muted small">
        Mint: unused credits become tokens you can redeem later or sell (their market price may be above or below face value).
        Renewal credit: they lower the next renewal price (never below the plan's minimum charge; any excess is not refunded).
      </p>

      <h2 className="section">Redeem tokens for compute</h2>
      <RedeemForm online={online} available={portfolio?.token.available ?? null} onDone={() => void reload()} />
      {error && <p className="error-text" role="alert">{error}</p>}
      <table className="table" aria-label="Redemptions" data-testid="redemptions">
        <thead><tr><th>Asked</th><th className="num">Tokens</th><th className="num">Market price</th><th className="text">State</th></tr></thead>
        <tbody>
          {redemptions.map((r) => (
            <tr key={r.request_id} data-state={r.state}>
              <td>{dateTime(r.created_at)}</td>
              <td className="num">{qty(r.tokens)}</td>
              <td className="num">{usd(r.market_price_usd, 4)}</td>
              <td title={r.last_error ?? undefined}>{REDEMPTION_STATE[r.state]}{r.state !== 'done' && r.last_error ? `: ${r.last_error}` : ''}</td>
            </tr>
          ))}
          {redemptions.length === 0 && <tr><td colSpan={4} className="muted">No redemptions yet.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function RedeemForm({ online, available, onDone }: { online: boolean; available: string | null; onDone: () => void }) {
  const [tokens, setTokens] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [preview, setPreview] = useState<MethodResponse<'whatIfSale'> | null>(null);
  // A redemption is a disposal at the market price: its tax effect, before the user commits.
  const showPreview = async () => {
    const parsed = RedeemInput.safeParse({ tokens: tokens.trim() });
    if (!parsed.success) return setPreview(null);
    try {
      setPreview(await walletApi().whatIfSale({ quantity: parsed.data.tokens }));
    } catch {
      setPreview(null);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = RedeemInput.safeParse({ tokens: tokens.trim() });
    if (!parsed.success) {
      setMessage({ ok: false, text: `Tokens: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      return;
    }
    if (available !== null && dec(parsed.data.tokens).gt(dec(available))) {
      setMessage({ ok: false, text: `Only ${qty(available)} tokens are free to redeem.` });
      return;
    }
    setBusy(true);
    try {
      const r = await walletApi().redeemTokens(parsed.data);
      setMessage(r.state === 'done'
        ? { ok: true, text: `Redeemed ${qty(r.tokens)} tokens for ${qty(r.tokens)} credits at a market price of ${usd(r.market_price_usd, 4)}.` }
        : { ok: true, text: `Sent; the platform's answer was lost, so it is retried with the same request id (never redeemed twice).` });
      setTokens('');
      setPreview(null);
      onDone();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="whatif" onSubmit={(e) => void submit(e)} aria-label="Redeem tokens">
      <label>Tokens <input value={tokens} onChange={(e) => { setTokens(e.target.value); setMessage(null); }} onBlur={() => void showPreview()} inputMode="decimal" placeholder="e.g. 10" size={10} disabled={!online || busy} /></label>
      <button type="submit" className="chip" disabled={!online || busy}>{busy ? 'Redeeming…' : 'Redeem for credits'}</button>
      <span className="muted small">1 token = 1 credit this period. For tax, a redemption is a sale at the market price (see Taxes).</span>
      {preview && (
        <p className="small" data-testid="redeem-preview">
          Tax effect ({preview.method.toUpperCase()}, at {usd(preview.price_usd, 4)}): proceeds {usd(preview.proceeds)}, basis {usd(preview.cost_basis)},
          short-term {usd(preview.short_term_gain)}, long-term {usd(preview.long_term_gain)}
        </p>
      )}
      {message && <p className={message.ok ? 'muted' : 'error-text'} role={message.ok ? 'status' : 'alert'} data-testid="redeem-message">{message.text}</p>}
    </form>
  );
}
