// A read API process's tail of the events table (docs/PLATFORM.md "Several API processes"):
// it LISTENs for the writer's notification after each flush and reads the new rows by num,
// in commit order, for its own WebSocket clients. Polling by num every poll_ms as well covers
// a notification lost while the LISTEN session reconnects. Rows are read only once
// committed, so nothing is announced here that the writer might still lose.
import type pg from 'pg';
import { backoffMs, type BackoffPolicy } from '../../shared/backoff.js';
import { EVENTS_NOTIFY_CHANNEL, openClient } from '../core/pg-connect.js';
import type { CoreMessage } from '../core/types.js';
import { assert } from '../core/units.js';

export interface EventTailOptions {
  database_url: string;
  /** Read by num at least this often, notification or not. */
  poll_ms?: number;
  on_error: (e: unknown, where: string) => void;
}

const POLL_MS_DEFAULT = 1_000;
/** Rows per read; a longer backlog is read in several. */
const PAGE_ROWS = 2_000;
/** Accounts whose last seq is remembered (those with events lately); beyond it the oldest go. */
const KNOWN_ACCOUNTS_MAX = 65_536;
const LISTEN_RETRY: BackoffPolicy = { base_ms: 200, max_ms: 10_000, jitter: 0.5 };

interface EventRow {
  num: number;
  account_id: string;
  seq: number;
  json: string;
}

export class EventTail {
  private cursor_num = 0;
  private readonly known = new Map<string, number>();
  private readonly listeners = new Set<(m: CoreMessage) => void>();
  private reading = false;
  private read_again = false;
  private closed = false;
  private listener: pg.Client | null = null;
  private listen_attempt = 0;
  private listen_timer: NodeJS.Timeout | null = null;
  private poll_timer: NodeJS.Timeout | null = null;
  private schema = '';
  /** Reads that found rows, and notifications heard (diagnostics, tests). */
  stats = { reads: 0, events: 0, notifications: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: EventTailOptions,
  ) {}

  /** Starts after the newest committed event: clients catch up on older ones over REST. */
  async start(): Promise<void> {
    const r = await this.pool.query<{ num: number; schema: string }>(`SELECT coalesce(max(num), 0) AS num, current_schema() AS schema FROM events`);
    this.cursor_num = r.rows[0]!.num;
    this.schema = r.rows[0]!.schema;
    await this.listen();
    const poll_ms = this.opts.poll_ms ?? POLL_MS_DEFAULT;
    assert(Number.isSafeInteger(poll_ms) && poll_ms >= 10, 'poll_ms >= 10');
    this.poll_timer = setInterval(() => this.poke(), poll_ms);
    this.poll_timer.unref();
  }

  onMessage(listener: (m: CoreMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The account's highest seq as committed now. */
  async lastSeq(account_id: string): Promise<number> {
    const r = await this.pool.query<{ seq: number }>(`SELECT coalesce(max(seq), 0) AS seq FROM events WHERE account_id = $1`, [account_id]);
    return r.rows[0]!.seq;
  }

  /** The highest seq this process has announced for the account, if it still remembers it. */
  knownSeq(account_id: string): number | null {
    return this.known.get(account_id) ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poll_timer) clearInterval(this.poll_timer);
    if (this.listen_timer) clearTimeout(this.listen_timer);
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = openClient(this.opts.database_url);
    client.on('notification', (n) => {
      if (n.channel !== EVENTS_NOTIFY_CHANNEL || n.payload !== this.schema) return;
      this.stats.notifications++;
      this.poke();
    });
    client.on('error', (e) => this.relisten(client, e));
    client.on('end', () => this.relisten(client, new Error('the LISTEN session ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_NOTIFY_CHANNEL}`);
    } catch (e) {
      this.relisten(client, e);
      return;
    }
    if (this.closed) return void client.end().catch(() => undefined);
    this.listener = client;
    this.listen_attempt = 0;
    this.poke(); // what was committed while not listening
  }

  private relisten(client: pg.Client, e: unknown): void {
    if (this.closed || this.listen_timer || (this.listener !== null && this.listener !== client)) return;
    this.listener = null;
    client.end().catch(() => undefined);
    this.opts.on_error(e, 'events LISTEN session (reconnecting; polling meanwhile)');
    this.listen_timer = setTimeout(() => {
      this.listen_timer = null;
      void this.listen();
    }, backoffMs(LISTEN_RETRY, this.listen_attempt++));
    this.listen_timer.unref();
  }

  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.read_again = true;
      return;
    }
    this.reading = true;
    this.read()
      .catch((e: unknown) => {
        if (!this.closed) this.opts.on_error(e, 'events read (retried at the next notification or poll)');
      })
      .finally(() => {
        this.reading = false;
        if (this.read_again) {
          this.read_again = false;
          this.poke();
        }
      });
  }

  /** Reads every committed event after the cursor, page by page, and announces each in num order. */
  private async read(): Promise<void> {
    for (;;) {
      const r = await this.pool.query<EventRow>(`SELECT num, account_id, seq, json FROM events WHERE num > $1 ORDER BY num LIMIT ${PAGE_ROWS}`, [this.cursor_num]);
      if (this.closed) return;
      if (r.rows.length > 0) this.stats.reads++;
      for (const row of r.rows) {
        assert(row.num > this.cursor_num, 'events are read in num order');
        this.cursor_num = row.num;
        this.remember(row.account_id, row.seq);
        this.stats.events++;
        const m: CoreMessage = { kind: 'event', account_id: row.account_id, seq: row.seq, json: row.json };
        for (const l of this.listeners) l(m);
      }
      if (r.rows.length < PAGE_ROWS) return;
    }
  }

  private remember(account_id: string, seq: number): void {
    this.known.delete(account_id); // re-inserted last: the Map's order is the eviction order
    this.known.set(account_id, seq);
    if (this.known.size > KNOWN_ACCOUNTS_MAX) this.known.delete(this.known.keys().next().value as string);
  }
}
