// The order engine: outbox and state machine. Its parts: entry.ts (input → request), funds.ts
// (reservations, available), converge.ts (merge with the platform), feed-view.ts (the feed's
// orders through the ledger), sender.ts (sends, lookups, cancels) and loop.ts (background).
//
// Exactly once, in three guards:
//  1. The outbox row and its client_order_id (UUIDv7) are committed (synchronous=FULL)
//     before anything is sent; the exact request body is stored and re-sent byte for byte.
//  2. A send whose answer is lost (timeout, dropped connection, crash while `sending`) puts
//     the order in `unknown`, and `unknown` is resolved by a lookup by client_order_id
//     before any resend: found → adopt the platform's state; not found → queued again.
//  3. The platform's idempotency by client_order_id (a repeat returns the original order).
// The platform's `deadline` (= the order's expiry) makes a late arrival a refusal, never a trade.
//
// Convergence: the platform is the truth. Answers, lookups and order events from the feed
// (the ledger's orders table) are merged with a monotone rule (status rank, then filled
// quantity), so whichever arrives first, the local row ends equal to the platform's order.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { dec } from '../../../shared/money.js';
import type { Order, OrderRequest } from '../../../shared/platform/api.js';
import type { AccountEvent } from '../../../shared/platform/events.js';
import type { AppliedBatch } from '../ledger/index.js';
import { orderView, externalView, parseLots } from './views.js';
import type { LotPick } from '../../../shared/contract/tax.js';
import { OrderSender } from './sender.js';
import { adoptAnswer, adoptFeed, PLATFORM_STATUSES } from './converge.js';
import { Funds } from './funds.js';
import { SenderLoop } from './loop.js';
import { newOrder } from './entry.js';
import { DEFAULT_SEND_RATE, systemClock, type Clock, type LedgerView, type OrderServiceOptions } from './options.js';

export { DEFAULT_SEND_RATE, systemClock, type Clock, type LedgerView, type OrderServiceOptions, type RateLimit } from './options.js';
import { prepareStore, type OutboxRow, type Store } from './store.js';
import { FeedView } from './feed-view.js';
import type { OrderTransport } from './transport.js';
import {
  assert,
  CancelExternalOrderInput,
  CancelOrderInput,
  LIST_LIMIT_MAX,
  ListOrdersInput,
  LIVE_STATES,
  MAX_EXTERNAL_CANCELS,
  MAX_IN_FLIGHT_LIMIT,
  MAX_PENDING_ORDERS,
  MIN_EXPIRY_MS,
  OrderEntryError,
  PENDING_STATES,
  RESOLVE_BATCH_MAX,
  type AvailableView,
  type ExternalOrderView,
  type DrainResult,
  type OrderChange,
  type OrderView,
} from './types.js';



export class OrderService {
  private readonly db: Database.Database;
  private readonly st: Store;
  private readonly feed: FeedView;
  private readonly ledger: LedgerView;
  private readonly transport: OrderTransport;
  private readonly clock: Clock;
  private readonly funds: Funds;
  private readonly random: () => number;
  private readonly seeded_ids: boolean;
  private readonly log: Logger | undefined;
  private readonly sender: OrderSender;
  private readonly max_in_flight: number;
  private online: boolean;
  private readonly listeners = new Set<(c: OrderChange) => void>();
  private draining: Promise<DrainResult> | null = null;
  private loop: SenderLoop | null = null;
  private closed = false;

  constructor(opts: OrderServiceOptions) {
    this.ledger = opts.ledger;
    this.db = opts.ledger.database();
    this.st = prepareStore(this.db);
    this.feed = new FeedView(this.ledger, this.st);
    this.transport = opts.transport;
    this.clock = opts.clock ?? systemClock;
    const fee_bps = opts.taker_fee_bps ?? 20;
    assert(Number.isInteger(fee_bps) && fee_bps >= 0 && fee_bps <= 10_000, 'taker_fee_bps must be 0..10000');
    this.funds = new Funds(this.st, this.feed, this.ledger, fee_bps, opts.held_tokens);
    this.random = opts.random ?? Math.random;
    this.seeded_ids = opts.random !== undefined;
    this.log = opts.logger;
    this.online = opts.online ?? false;
    this.max_in_flight = opts.max_in_flight ?? 1;
    assert(Number.isInteger(this.max_in_flight) && this.max_in_flight >= 1 && this.max_in_flight <= MAX_IN_FLIGHT_LIMIT, `max_in_flight must be 1..${MAX_IN_FLIGHT_LIMIT}`);
    this.sender = new OrderSender(
      {
        st: this.st,
        feed: this.feed,
        db: this.db,
        clock: this.clock,
        transport: this.transport,
        random: this.random,
        max_in_flight: this.max_in_flight,
        isOnline: () => this.online,
        isClosed: () => this.closed,
        row: (id) => this.row(id),
        adoptOrder: (row, o, now) => this.adoptOrder(row, o, now),
        finishLocally: (row, state, reason, now, last_error) => this.finishLocally(row, state, reason, now, last_error),
        emit: (ids) => this.emit(ids),
        emitStatus: () => this.emitStatus(),
      },
      opts.rate_limit ?? DEFAULT_SEND_RATE,
    );
    // Crash recovery: an order left `sending` may have reached the platform. Look it up first.
    const n = this.st.sendingToUnknown.run(this.clock.now_ms()).changes;
    if (n > 0) this.log?.info({ orders: n }, 'orders: sends interrupted by a restart are resolved by lookup before any resend');
    this.refresh();
  }

  // ---------------------------------------------------------------- order entry

  /** Validates, checks the available balance, and commits the order to the outbox. Sends at once when online. */
  place(raw: unknown): OrderView {
    this.assertOpen();
    const now = this.clock.now_ms();
    const o = newOrder(raw, now, (at) => this.newId(at));
    return this.enqueue(o.request, o.deadline_ms, now, o.lots);
  }

  /** Sell orders placed here with the lots they chose (stored with each order), oldest first: the tax engine's order_lots. */
  chosenLots(): { client_order_id: string; lots: LotPick[] }[] {
    return (this.st.chosenLots.all() as { client_order_id: string; lots: string }[]).map((r) => ({ client_order_id: r.client_order_id, lots: parseLots(r.lots) }));
  }

  /**
   * Queues an order exactly as it was requested elsewhere (a ledger archived after a key
   * change, issue 13): the same client_order_id and body, so the platform's idempotency
   * check makes a resend of one that did arrive harmless. Same funds and queue limits as place().
   */
  requeue(request: OrderRequest, deadline_ms: number): OrderView {
    this.assertOpen();
    const now = this.clock.now_ms();
    if (deadline_ms - now < MIN_EXPIRY_MS) throw new OrderEntryError('invalid_input', `the order expired (or expires within ${MIN_EXPIRY_MS / 1000} s); it can only be canceled`);
    if (this.st.byId.get(request.client_order_id) !== undefined) throw new OrderEntryError('invalid_input', `order ${request.client_order_id} is already in the queue`);
    return this.enqueue(request, deadline_ms, now);
  }

  private enqueue(request: OrderRequest, deadline_ms: number, now: number, lots: LotPick[] | null = null): OrderView {
    assert(lots === null || request.side === 'sell', 'only a sell carries chosen lots');
    const client_order_id = request.client_order_id;
    const limit_price = (request.price ?? request.protection_price)!;
    assert(limit_price !== undefined, 'an order carries a price or a protection price');
    this.db
      .transaction(() => {
        if ((this.st.pendingCount.get() as number) >= MAX_PENDING_ORDERS) {
          throw new OrderEntryError('queue_full', `${MAX_PENDING_ORDERS} orders are already waiting to be sent; wait for the queue to drain`);
        }
        this.funds.check(request.side, limit_price, request.quantity);
        this.st.insert.run({
          client_order_id,
          request: JSON.stringify(request),
          side: request.side,
          type: request.type,
          price: request.price ?? null,
          protection_price: request.protection_price ?? null,
          quantity: request.quantity,
          time_in_force: request.time_in_force,
          post_only: request.post_only ? 1 : 0,
          deadline_ms,
          now,
          lots: lots ? JSON.stringify(lots) : null,
        });
      })
      .immediate();
    this.funds.added(request.side, limit_price, request.quantity);
    this.emit([client_order_id]);
    this.kick();
    return this.get(client_order_id);
  }

  /**
   * Queued → canceled locally (never sent). Open → a cancel request (queued while offline).
   * Sending/unknown → canceled as soon as it is resolved (sent as a cancel if it reached the platform).
   */
  cancel(raw: unknown): OrderView {
    this.assertOpen();
    const parsed = CancelOrderInput.safeParse(typeof raw === 'string' ? { client_order_id: raw } : raw);
    if (!parsed.success) throw new OrderEntryError('invalid_input', parsed.error.issues[0]?.message ?? 'invalid input');
    const id = parsed.data.client_order_id;
    const row = this.row(id);
    if (!row) throw new OrderEntryError('not_found', `no order ${id}`);
    const now = this.clock.now_ms();
    if (row.state === 'queued') {
      this.finishLocally(row, 'canceled', 'canceled before it was sent', now);
    } else if (PENDING_STATES.includes(row.state) || LIVE_STATES.includes(row.state)) {
      if (row.cancel_requested === 0) this.st.requestCancel.run(now, id);
    } else {
      throw new OrderEntryError('not_cancelable', `the order is already ${row.state}`);
    }
    this.emit([id]);
    this.kick();
    return this.get(id);
  }

  get(client_order_id: string): OrderView {
    const row = this.row(client_order_id);
    if (!row) throw new OrderEntryError('not_found', `no order ${client_order_id}`);
    return this.view(row);
  }

  /** Newest first. */
  list(raw: unknown = {}): OrderView[] {
    const parsed = ListOrdersInput.safeParse(raw);
    if (!parsed.success) throw new OrderEntryError('invalid_input', parsed.error.issues[0]?.message ?? 'invalid input');
    const limit = parsed.data.limit ?? LIST_LIMIT_MAX;
    const rows = (parsed.data.states ? this.st.listStates.all(JSON.stringify(parsed.data.states), limit) : this.st.list.all(limit)) as OutboxRow[];
    return rows.map((r) => this.view(r));
  }

  /** What waits to go out, in queue order: orders not yet (known to be) on the platform, and unconfirmed cancels. */
  queue(): OrderView[] {
    return (this.st.queue.all(LIST_LIMIT_MAX) as OutboxRow[]).map((r) => this.view(r));
  }

  /** Settled balance (ledger) − reservations of open and queued orders. */
  /** Live orders placed elsewhere that the feed shows, with this wallet's cancel request for each. */
  external(limit = LIST_LIMIT_MAX): ExternalOrderView[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= LIST_LIMIT_MAX, `bad limit ${limit}`);
    return this.feed.externalLiveList(limit).map(externalView);
  }

  /**
   * The views of what changed (OrderChange ids): our orders as they are now, live orders
   * placed elsewhere, and those placed elsewhere that ended (the screen drops them).
   */
  views(client_order_ids: readonly string[], external_order_ids: readonly string[]): { orders: OrderView[]; external: ExternalOrderView[]; external_ended: string[] } {
    assert(client_order_ids.length <= LIST_LIMIT_MAX && external_order_ids.length <= LIST_LIMIT_MAX, 'too many changed orders for one view push');
    const orders: OrderView[] = [];
    for (const id of client_order_ids) {
      const r = this.row(id);
      if (r) orders.push(this.view(r));
    }
    const external: ExternalOrderView[] = [];
    const external_ended: string[] = [];
    for (const id of external_order_ids) {
      const r = this.feed.byId(id);
      if (!r || r.placed_here) continue;
      if (LIVE_STATES.includes(r.status as OrderView['state'])) external.push(externalView(r));
      else external_ended.push(id);
    }
    return { orders, external, external_ended };
  }

  /** When queue-wide sending resumes after a Retry-After or a backoff (null: not paused). */
  pausedUntil(): string | null {
    return this.sender.paused_until_ms > this.clock.now_ms() ? new Date(this.sender.paused_until_ms).toISOString() : null;
  }

  /** Cancel requests for orders placed elsewhere still to be sent (their order still live in the feed). */
  pendingExternalCancels(): number {
    return this.feed.waitingCancels().length;
  }

  /**
   * Asks the platform to cancel a live order this wallet did not place. Like a cancel of our
   * own orders it is stored first (so it survives a restart and waits while offline) and is
   * safe to repeat; it ends when the platform answers or the feed shows the order ended.
   */
  cancelExternal(raw: unknown): ExternalOrderView {
    this.assertOpen();
    const parsed = CancelExternalOrderInput.safeParse(raw);
    if (!parsed.success) throw new OrderEntryError('invalid_input', parsed.error.issues[0]?.message ?? 'invalid input');
    const { order_id } = parsed.data;
    const found = this.feed.byId(order_id);
    if (!found) throw new OrderEntryError('not_found', `no order ${order_id} in the synced order feed`);
    if (found.placed_here) {
      throw new OrderEntryError('invalid_input', `order ${order_id} was placed from this wallet: cancel it by its client_order_id (${found.client_order_id})`);
    }
    if (!LIVE_STATES.includes(found.status as OrderView['state'])) throw new OrderEntryError('not_cancelable', `the order is already ${found.status}`);
    if (found.cancel_state === null && (this.st.externalCancelCount.get() as number) >= MAX_EXTERNAL_CANCELS) {
      throw new OrderEntryError('queue_full', `${MAX_EXTERNAL_CANCELS} cancel requests are already waiting; try again when back online`);
    }
    const now = this.clock.now_ms();
    this.st.requestExternalCancel.run(order_id, now, now);
    this.emit([], [order_id]); // an external order: the view updates that row, by its platform id
    this.kick();
    return externalView(this.feed.byId(order_id)!);
  }

  available(): AvailableView {
    return this.funds.available();
  }

  /** Any write that may change a reservation. */
  private dirty(): void {
    this.funds.dirty();
  }

  // ---------------------------------------------------------------- connectivity and subscription

  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (online) {
      this.sender.reconnected();
    }
    this.emitStatus();
    this.kick();
  }

  isOnline(): boolean {
    return this.online;
  }

  subscribe(listener: (c: OrderChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(ids: string[], external_ids: string[] = [], from_feed = false): void {
    if (ids.length === 0 && external_ids.length === 0) return;
    const change: OrderChange = { kind: 'orders', client_order_ids: [...new Set(ids)], external_order_ids: [...new Set(external_ids)], from_feed };
    for (const l of this.listeners) l(change);
  }

  private emitStatus(): void {
    const now = this.clock.now_ms();
    for (const l of this.listeners) l({ kind: 'status', online: this.online, paused_until_ms: this.sender.paused_until_ms > now ? this.sender.paused_until_ms : null });
  }

  // ---------------------------------------------------------------- convergence from the feed

  /**
   * The view pipe: converges the outbox from the order events of one committed ledger batch
   * (ledger.onApplied), without reading the ledger's tables. Orders placed elsewhere are
   * announced by order_id. refresh() remains the catch-up for a start after a crash between
   * the ledger's commit and this call (feed_seq says how far each order has converged).
   */
  onLedgerApplied(batch: AppliedBatch): void {
    if (this.closed) return;
    this.dirty(); // balances moved: what is available changed
    const changed: string[] = [];
    const external: string[] = [];
    const order_events = batch.events.filter((e): e is Extract<AccountEvent, { type: 'order' }> => e.type === 'order');
    if (order_events.length > 0) {
      this.db
        .transaction(() => {
          for (const e of order_events) {
            const row = this.row(e.client_order_id);
            if (!row) {
              external.push(e.order_id);
              continue;
            }
            if (e.seq <= row.feed_seq || !PLATFORM_STATUSES.has(e.status)) continue; // already converged (refresh() ran first)
            adoptFeed(this.st, e.client_order_id, e.seq, { order_id: e.order_id, status: e.status, filled_quantity: e.filled_quantity, reason: e.reason }, this.clock.now_ms());
            changed.push(e.client_order_id);
          }
        })
        .immediate();
    }
    this.emit(changed, external, true);
    if (changed.length > 0) this.kick(); // a final state may release a cancel waiting on it
  }

  /**
   * Catch-up: merges order events the ledger applied that this service has not converged
   * yet (at start, and in tests that drive the ledger directly); cheap when nothing changed.
   */
  refresh(): number {
    if (this.closed) return 0; // a late status callback after close()
    this.dirty(); // the ledger moved: orders placed elsewhere may have changed what is reserved
    const changed: string[] = [];
    for (let round = 0; round < 100; round++) {
      const rows = this.feed.behind(RESOLVE_BATCH_MAX * 16);
      if (rows.length === 0) break;
      this.db
        .transaction(() => {
          for (const f of rows) {
            if (!PLATFORM_STATUSES.has(f.status)) continue;
            adoptFeed(this.st, f.client_order_id, f.last_seq, { order_id: f.order_id, status: f.status, filled_quantity: f.filled_quantity, reason: f.reason }, this.clock.now_ms());
            changed.push(f.client_order_id);
          }
        })
        .immediate();
    }
    this.emit(changed, [], true);
    return changed.length;
  }

  private adoptOrder(row: OutboxRow, o: Order, now: number): void {
    if (adoptAnswer(this.st, row, o, now)) this.dirty();
  }

  private finishLocally(row: OutboxRow, state: 'canceled' | 'expired' | 'rejected', reason: string, now: number, last_error: string | null = null): void {
    assert(row.on_platform === 0, `order ${row.client_order_id} is on the platform; only the platform may end it`);
    this.dirty();
    this.st.setLocalFinal.run({ client_order_id: row.client_order_id, state, reason, attempts: row.attempts, last_error, now });
  }

  // ---------------------------------------------------------------- the sender

  /**
   * One pass: resolve `unknown` orders by lookup, send due cancels, then send due queued
   * orders in queue order (a window per transaction). Returns when nothing more is due now.
   * Concurrent calls share one pass.
   */
  drainOnce(): Promise<DrainResult> {
    this.assertOpen();
    this.draining ??= this.sender.pass().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Passes until nothing is due now (or offline, or paused). Bounded. */
  async drain(max_passes = 1000): Promise<DrainResult> {
    let r = await this.drainOnce();
    for (let i = 1; i < max_passes && r.next_due_ms !== null && r.next_due_ms <= this.clock.now_ms() && this.online; i++) {
      r = await this.drainOnce();
    }
    return r;
  }

  // ---------------------------------------------------------------- background loop (the app)

  /** Runs the sender in the background on the service's clock until stop(). */
  start(): void {
    this.assertOpen();
    this.loop ??= new SenderLoop({
      clock: this.clock,
      log: this.log,
      drain: (max_passes) => this.drain(max_passes),
      isOnline: () => this.online,
      isClosed: () => this.closed,
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    await loop.stop();
    this.loop = null;
  }

  private kick(): void {
    this.loop?.wake();
  }

  /** Stops the loop and detaches. The database belongs to the ledger and stays open. */
  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
    this.listeners.clear();
  }

  /** Simulation of a crash: drop everything in memory at once, write nothing more. */
  abandon(): void {
    this.closed = true;
    this.listeners.clear();
    this.loop?.abandon();
  }

  /**
   * Re-derives what the engine keeps incrementally and checks the outbox rows against the
   * state machine. Throws OrderInvariantError. O(orders); for tests and the simulation.
   */
  checkInvariants(): void {
    this.funds.checkInvariants();
    for (const r of this.st.list.all(MAX_PENDING_ORDERS * 10) as OutboxRow[]) {
      const pending = PENDING_STATES.includes(r.state);
      assert(!(pending && r.on_platform === 1), `order ${r.client_order_id} is ${r.state} but known on the platform`);
      assert(r.on_platform === 0 || r.order_id !== null, `order ${r.client_order_id} on the platform without an id`);
      assert(!LIVE_STATES.includes(r.state) || r.on_platform === 1, `order ${r.client_order_id} is ${r.state} but not on the platform`);
      assert(dec(r.filled_quantity).lte(dec(r.quantity)) && dec(r.feed_filled).lte(dec(r.filled_quantity)), `order ${r.client_order_id}: filled out of range`);
      assert(r.state !== 'sending' || this.draining !== null, `order ${r.client_order_id} is sending with no sender running`);
      assert(r.cancel_requested === 0 || pending || LIVE_STATES.includes(r.state), `order ${r.client_order_id}: cancel pending on a ${r.state} order`);
    }
  }

  // ---------------------------------------------------------------- helpers

  private assertOpen(): void {
    assert(!this.closed, 'the order service is closed');
  }

  private row(client_order_id: string): OutboxRow | undefined {
    return this.st.byId.get(client_order_id) as OutboxRow | undefined;
  }

  private newId(now: number): string {
    if (!this.seeded_ids) return uuidv7({ msecs: now });
    const random = new Uint8Array(16);
    for (let i = 0; i < 16; i++) random[i] = Math.floor(this.random() * 256) & 0xff;
    return uuidv7({ msecs: now, random });
  }

  private view(r: OutboxRow): OrderView {
    return orderView(r, this.funds.reservation(r), this.ledger.fillTotals([r.client_order_id]).get(r.client_order_id) ?? null);
  }
}


export function createOrderService(opts: OrderServiceOptions): OrderService {
  return new OrderService(opts);
}


