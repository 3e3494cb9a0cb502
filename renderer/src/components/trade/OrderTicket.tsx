// The order ticket: side and type, quantity (or a share of the balance), price, time in force
// under "Advanced", the fee and total before sending, warnings, inline problems in the
// platform's terms, and a confirmation showing exactly the order that will be sent.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMarket, useOnline, usePortfolio, walletApi } from '../../store';
import { useInstrument, useTokenSymbol } from '../../store/instrument';
import { selectBestAsk, selectBestBid } from '../../store/market';
import { errorText, qty, usd, usdExact } from '../../format';
import { LOT_SIZE, TICK_SIZE, type PlaceOrderInput } from '../../../../shared/contract/orders';
import { dec } from '../../../../shared/money';
import { RadioChoice } from './RadioChoice';
import { ConfirmOrderDialog } from './ConfirmOrderDialog';
import { SalePreview } from './SalePreview';
import { LotPicker } from './LotPicker';
import { useTicket } from './ticket-store';
import { useConfirmOrders } from './workspace-prefs';
import { OrderStatusLine } from './OrderStatusLine';
import { useNow } from '../use-now';
import {
  allowedTif,
  buildOrder,
  heldUsd,
  lotPicks,
  estimate,
  PERCENT_CHOICES,
  problems as findProblems,
  quantityForPercent,
  TIF_HELP,
  TIF_LABEL,
  warnings as findWarnings,
  expectedSellPrice,
  isDecimalText,
  takerFee,
  type FieldProblem,
  type MarketNow,
  type TicketRules,
} from './ticket';

/** Fallback rules until the platform's instrument is known (fees unknown: shown as such). */
const CONTRACT_RULES: TicketRules = { tick_size: TICK_SIZE, lot_size: LOT_SIZE, min_price: TICK_SIZE, max_price: '1000', max_quantity: '1000000', maker_fee_bps: 0, taker_fee_bps: 0 };

function useRules(): { rules: TicketRules; fees_known: boolean } {
  const inst = useInstrument((s) => s.instrument);
  return useMemo(() => (inst ? { rules: inst, fees_known: true } : { rules: CONTRACT_RULES, fees_known: false }), [inst]);
}

function useMarketNow(): MarketNow {
  const best_bid = useMarket(selectBestBid);
  const best_ask = useMarket(selectBestAsk);
  const last = useMarket((s) => s.ticker?.last ?? null);
  return useMemo(() => ({ best_bid, best_ask, last }), [best_bid, best_ask, last]);
}

/** How often the ticket's clock moves (good-till checks need minutes, not milliseconds). */
const NOW_TICK_MS = 15_000;

const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function OrderTicket() {
  const draft = useTicket((s) => s.draft);
  const set = useTicket((s) => s.set);
  const resetDraft = useTicket((s) => s.reset);
  const { rules, fees_known } = useRules();
  const market = useMarketNow();
  const portfolio = usePortfolio((s) => s.portfolio);
  const online = useOnline();
  const symbol = useTokenSymbol();
  const [confirmOrders, setConfirmOrders] = useConfirmOrders();
  const [shown, setShown] = useState(false); // problems show after the first submit attempt or a field's blur
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<PlaceOrderInput | null>(null);
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [placedId, setPlacedId] = useState<string | null>(null);
  // After a send the quantity takes focus for the next order, once the dialog has closed (a modal
  // dialog keeps the page inert while open, and closing it would put focus back on the button).
  const refocus = useRef(false);
  const [lotsOpen, setLotsOpen] = useState(false);
  const quantityRef = useRef<HTMLInputElement>(null);
  const priceRef = useRef<HTMLInputElement>(null);

  const balances = portfolio ? { usd_available: portfolio.usd.available, tokens_available: portfolio.token.available } : null;
  const now_ms = useNow(NOW_TICK_MS);
  const all = findProblems(draft, rules, balances, now_ms);
  const visible = (field: FieldProblem['field']) => (shown || touched.has(field) ? all.find((p) => p.field === field) : undefined);
  const est = estimate(draft, rules, market);
  const warns = findWarnings(draft, market);
  // A sale's tax effect at the price it is expected to fill at, net of the fee it pays at most.
  const sell_price = expectedSellPrice(draft, market);
  const sale_fee = fees_known && sell_price !== null && isDecimalText(draft.quantity.trim()) ? takerFee(dec(draft.quantity.trim()).mul(dec(sell_price)), rules.taker_fee_bps).toFixed() : null;
  const tifs = allowedTif(draft.type);

  // A market order cannot be GTC/GTD: move to IOC when the type changes, and back.
  useEffect(() => {
    if (!tifs.includes(draft.time_in_force)) set({ time_in_force: tifs[0]! });
  }, [draft.type]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!refocus.current || pending) return;
    refocus.current = false;
    quantityRef.current?.focus();
  }, [pending]);

  const touch = (f: string) => setTouched((t) => new Set(t).add(f));
  const edit = (patch: Parameters<typeof set>[0]) => {
    set(patch);
    setSendError(null);
  };

  const send = async (order: PlaceOrderInput) => {
    setBusy(true);
    setSendError(null);
    try {
      const placed = await walletApi().placeOrder(order);
      setPlacedId(placed.client_order_id);
      resetDraft();
      setShown(false);
      setTouched(new Set());
      refocus.current = true;
    } catch (err) {
      setSendError(errorText(err));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (all.length > 0) {
      (all[0]!.field === 'price' ? priceRef : quantityRef).current?.focus();
      return;
    }
    let order: PlaceOrderInput;
    try {
      order = buildOrder(draft, Date.now());
    } catch (err) {
      setSendError(errorText(err));
      return;
    }
    if (confirmOrders) setPending(order);
    else void send(order);
  };

  const percent = (p: number) => {
    const price = draft.price.trim() || (draft.side === 'buy' ? market.best_ask : market.best_bid) || '';
    if (!balances) return;
    const q = quantityForPercent(p, draft.side, price, balances, rules);
    edit({ quantity: q ?? '0' });
    touch('quantity');
  };

  const fieldProps = (field: FieldProblem['field'], id: string) => {
    const p = visible(field);
    return { 'aria-invalid': p ? true : undefined, 'aria-describedby': p ? `${id}-error` : undefined };
  };
  const problemText = (field: FieldProblem['field'], id: string) => {
    const p = visible(field);
    return p ? <span id={`${id}-error`} className="field-error">{p.message}</span> : null;
  };

  const priceLabel = draft.type === 'limit' ? 'Limit price (USD)' : 'Worst price you accept (USD)';
  const submitLabel = `${draft.side === 'buy' ? 'Buy' : 'Sell'} ${draft.type}`;

  return (
    <form className="ticket" aria-label="Order ticket" onSubmit={submit} noValidate>
      <RadioChoice legend="Side" name="side" value={draft.side} onChange={(side) => edit({ side })} choices={[{ value: 'buy', label: 'Buy', tone: 'buy' }, { value: 'sell', label: 'Sell', tone: 'sell' }]} />
      <RadioChoice legend="Order type" name="type" value={draft.type} onChange={(type) => edit({ type })} choices={[{ value: 'limit', label: 'Limit' }, { value: 'market', label: 'Market' }]} />

      <p className="ticket-balance muted small" data-testid="ticket-available">
        {draft.side === 'buy' ? `Cash available ${usd(portfolio?.usd.available)}` : `${symbol} available ${qty(portfolio?.token.available)}`}
      </p>

      <label className="field">
        <span>{priceLabel}</span>
        <input ref={priceRef} name="price" inputMode="decimal" autoComplete="off" value={draft.price} placeholder={(draft.side === 'buy' ? market.best_ask : market.best_bid) ?? '0.0000'}
          onChange={(e) => edit({ price: e.target.value })} onBlur={() => draft.price && touch('price')} {...fieldProps('price', 'ticket-price')} />
        {problemText('price', 'ticket-price')}
      </label>
      <div className="quick-row" role="group" aria-label="Price from the book">
        <button type="button" className="chip" disabled={!market.best_bid} onClick={() => edit({ price: market.best_bid ?? '' })}>Bid</button>
        <button type="button" className="chip" disabled={!market.last} onClick={() => edit({ price: market.last ?? '' })}>Last</button>
        <button type="button" className="chip" disabled={!market.best_ask} onClick={() => edit({ price: market.best_ask ?? '' })}>Ask</button>
      </div>

      <label className="field">
        <span>Quantity (tokens)</span>
        <input ref={quantityRef} name="quantity" inputMode="decimal" autoComplete="off" value={draft.quantity} placeholder={`multiple of ${rules.lot_size}`}
          onChange={(e) => edit({ quantity: e.target.value })} onBlur={() => draft.quantity && touch('quantity')} {...fieldProps('quantity', 'ticket-quantity')} />
        {problemText('quantity', 'ticket-quantity')}
      </label>
      <div className="quick-row" role="group" aria-label={draft.side === 'buy' ? 'Share of cash available' : 'Share of tokens available'}>
        {PERCENT_CHOICES.map((p) => (
          <button key={p} type="button" className="chip" disabled={!balances} onClick={() => percent(p)}>{p === 100 ? 'Max' : `${p}%`}</button>
        ))}
      </div>

      <details className="advanced">
        <summary>Advanced: {TIF_LABEL[draft.time_in_force]}{draft.post_only && draft.type === 'limit' ? ', post-only' : ''}</summary>
        <RadioChoice legend="Time in force" name="tif" value={draft.time_in_force} onChange={(time_in_force) => edit({ time_in_force })} choices={tifs.map((t) => ({ value: t, label: t }))} />
        <p className="muted small" id="tif-help">{TIF_LABEL[draft.time_in_force]}: {TIF_HELP[draft.time_in_force]}</p>
        {draft.time_in_force === 'GTD' ? (
          <label className="field">
            <span>Good till (your time)</span>
            <input type="datetime-local" name="good_till" value={draft.good_till_ms ? toLocalInput(draft.good_till_ms) : ''}
              onChange={(e) => edit({ good_till_ms: e.target.value ? new Date(e.target.value).getTime() : null })} {...fieldProps('good_till', 'ticket-gtd')} />
            {problemText('good_till', 'ticket-gtd')}
          </label>
        ) : (
          <label className="field">
            <span>Send within (hours)</span>
            <input name="send_within" inputMode="decimal" value={draft.send_within_hours} onChange={(e) => edit({ send_within_hours: e.target.value })} {...fieldProps('send_within', 'ticket-send')} />
            {problemText('send_within', 'ticket-send')}
          </label>
        )}
        {draft.type === 'limit' && (
          <label className="inline">
            <input type="checkbox" checked={draft.post_only} onChange={(e) => edit({ post_only: e.target.checked })} /> Post-only (maker: refused rather than trading at once)
          </label>
        )}
        <label className="inline">
          <input type="checkbox" checked={confirmOrders} onChange={(e) => setConfirmOrders(e.target.checked)} /> Confirm each order before sending
        </label>
        {visible('time_in_force') && <span className="field-error">{visible('time_in_force')!.message}</span>}
        {visible('post_only') && <span className="field-error">{visible('post_only')!.message}</span>}
      </details>

      <dl className="ticket-summary" aria-label="Order estimate">
        <dt>Notional</dt><dd data-testid="ticket-notional">{est ? usdExact(est.notional_usd.toFixed()) : '—'}</dd>
        <dt>Fee {est?.liquidity === 'taker' ? '(taker)' : '(at most, taker)'}</dt>
        <dd data-testid="ticket-fee">{est && fees_known ? usdExact(est.fee_usd.toFixed()) : '—'}</dd>
        <dt>{draft.side === 'buy' ? 'Total held' : 'You receive at least'}</dt>
        <dd data-testid="ticket-total">{est && fees_known ? usdExact(heldUsd(est.total_usd, draft.side)) : '—'}</dd>
      </dl>
      {!fees_known && <p className="muted small">Fees are shown once the platform's market details are loaded.</p>}
      {warns.length > 0 && (
        <ul className="ticket-warnings" aria-label="Warnings">
          {warns.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      {draft.side === 'sell' && (
        <>
          <SalePreview quantity={draft.quantity} price={sell_price ?? ''} fee={sale_fee} lots={lotPicks(draft)} />
          <details className="advanced" open={lotsOpen} onToggle={(e) => setLotsOpen((e.target as HTMLDetailsElement).open)}>
            <summary>Choose lots (specific identification){lotPicks(draft) ? ': chosen' : ''}</summary>
            <LotPicker quantity={draft.quantity} picks={draft.lot_picks ?? {}} onChange={(lot_picks) => edit({ lot_picks })} problem={visible('lots')?.message ?? null} />
          </details>
        </>
      )}

      <div className="ticket-send">
      <button type="submit" className={`submit ${draft.side}`} disabled={busy}>{busy ? 'Placing…' : submitLabel}</button>
      </div>
      {!online && <p className="muted small">Offline: the order waits in the local queue and is sent once when the platform is back, never after its send-by time.</p>}
      {sendError && <p className="error-text" role="alert" data-testid="order-message">{sendError}</p>}
      {!sendError && placedId && <OrderStatusLine client_order_id={placedId} />}
      {pending && (
        <ConfirmOrderDialog order={pending} estimate={est} feesKnown={fees_known} symbol={symbol} busy={busy}
          warnings={warns} onConfirm={(dontAsk) => { if (dontAsk) setConfirmOrders(false); void send(pending); }}
          onCancel={() => { setPending(null); quantityRef.current?.focus(); }} />
      )}
    </form>
  );
}
