// The read API process's market relay against a stand-in writer socket: the book is kept
// from snapshot + deltas, a gap or a heartbeat ahead of the book asks for a fresh snapshot
// (clients never get a wrong book), an invalid message changes nothing, and a dropped
// connection is reopened with the book unknown until the new snapshot.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { MarketRelay } from '../../platform/http/reader-market.js';
import type { CoreMessage } from '../../platform/core/types.js';

interface FakeWriter {
  url: URL;
  sockets: WebSocket[];
  received: unknown[];
  /** Resolves with the next connection's socket. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

async function fakeWriter(): Promise<FakeWriter> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/v1/ws' });
  const sockets: WebSocket[] = [];
  const received: unknown[] = [];
  let waiting: ((ws: WebSocket) => void)[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (d) => received.push(JSON.parse(d.toString())));
    const w = waiting;
    waiting = [];
    for (const f of w) f(ws);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    sockets,
    received,
    nextSocket: () => new Promise((r) => waiting.push(r)),
    close: async () => {
      for (const s of wss.clients) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const snapshot = (seq: number, bids: [string, string][], asks: [string, string][]) => ({
  type: 'book_snapshot',
  book: { symbol: 'TOKEN-USD', seq, bids, asks, time: '2026-12-05T00:00:00.000Z' },
});

async function until(cond: () => boolean, what: string, timeout_ms = 5000): Promise<void> {
  const end = Date.now() + timeout_ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MarketRelay (a reader\'s one connection to the writer)', () => {
  let writer: FakeWriter | null = null;
  let relay: MarketRelay | null = null;
  afterEach(async () => {
    await relay?.close();
    await writer?.close();
    relay = writer = null;
  });

  async function setup() {
    writer = await fakeWriter();
    const errors: string[] = [];
    const heard: CoreMessage[] = [];
    relay = new MarketRelay({ writer_url: writer.url, now_ms: () => Date.parse('2026-12-05T01:00:00Z'), on_error: (e, where) => errors.push(`${where}: ${(e as Error).message}`) });
    relay.onMessage((m) => heard.push(m));
    const first = writer.nextSocket();
    relay.start();
    const ws = await first;
    await until(() => writer!.received.length > 0, 'the subscription');
    return { ws, errors, heard };
  }

  it('subscribes to the public channels and keeps the book from snapshot and deltas', async () => {
    const { ws, heard, errors } = await setup();
    expect(writer!.received[0]).toEqual({ op: 'subscribe', channels: ['book', 'trades', 'ticker'] });
    expect(relay!.bookSnapshot(10)).toBeNull(); // nothing known yet: clients get no book
    ws.send(JSON.stringify(snapshot(7, [['0.0500', '3']], [['0.0600', '2']])));
    ws.send(JSON.stringify({ type: 'book_delta', seq: 8, changes: [{ side: 'buy', price: '0.0510', quantity: '1' }] }));
    ws.send(JSON.stringify({ type: 'book_delta', seq: 9, changes: [{ side: 'sell', price: '0.0600', quantity: '0' }] }));
    ws.send(JSON.stringify({ type: 'trade', trade: { trade_id: 'trd_4', num: 4, time: '2026-12-05T00:00:01.000Z', price: '0.0600', quantity: '2', taker_side: 'buy' } }));
    ws.send(JSON.stringify({ type: 'ticker', ticker: { symbol: 'TOKEN-USD', last: '0.0600', bid: '0.0510', ask: null, volume_24h: '2', face_value: '0.05', premium: '0.2', time: '2026-12-05T00:00:01.000Z' } }));
    await until(() => relay!.ticker() !== null, 'the ticker');
    expect(errors).toEqual([]);
    expect(heard.map((m) => m.kind)).toEqual(['book_reset', 'book_delta', 'book_delta', 'trade']);
    expect(relay!.bookSnapshot(10)).toEqual({ symbol: 'TOKEN-USD', seq: 9, bids: [['0.0510', '1'], ['0.0500', '3']], asks: [], time: '2026-12-05T01:00:00.000Z' });
    expect(relay!.bookSeq()).toBe(9);
  });

  it('a delta that skips a seq is never applied: it asks for a fresh snapshot and the book is unknown until then', async () => {
    const { ws, heard, errors } = await setup();
    ws.send(JSON.stringify(snapshot(1, [['0.0500', '3']], [])));
    ws.send(JSON.stringify({ type: 'book_delta', seq: 3, changes: [{ side: 'buy', price: '0.0500', quantity: '9' }] }));
    await until(() => writer!.received.length >= 3, 'the resubscription');
    expect(writer!.received.slice(1)).toEqual([{ op: 'unsubscribe', channels: ['book'] }, { op: 'subscribe', channels: ['book'] }]);
    expect(relay!.stats.gaps).toBe(1);
    expect(errors.join('\n')).toMatch(/book delta 3 after 1: asking the writer for a fresh snapshot/);
    expect(relay!.bookSnapshot(10)).toBeNull();
    ws.send(JSON.stringify({ type: 'book_delta', seq: 4, changes: [] })); // still before the snapshot: not a second gap
    ws.send(JSON.stringify(snapshot(4, [['0.0500', '9']], [])));
    await until(() => heard.filter((m) => m.kind === 'book_reset').length === 2, 'the fresh snapshot');
    expect(relay!.stats.gaps).toBe(1);
    expect(heard.map((m) => m.kind)).toEqual(['book_reset', 'book_reset']);
    expect(relay!.bookSnapshot(10)?.bids).toEqual([['0.0500', '9']]);
  });

  it('a heartbeat ahead of the book asks for a fresh snapshot; an invalid message is reported and changes nothing', async () => {
    const { ws, errors } = await setup();
    ws.send(JSON.stringify(snapshot(5, [], [['0.0700', '1']])));
    ws.send(JSON.stringify({ type: 'book_delta', seq: 6, changes: [{ side: 'sell', price: 'lots', quantity: '1' }] }));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'heartbeat', time: '2026-12-05T00:00:02.000Z', last_seq: null, book_seq: 5 }));
    await until(() => errors.length >= 2, 'the two reports');
    expect(relay!.bookSnapshot(10)).toMatchObject({ seq: 5, asks: [['0.0700', '1']] });
    expect(relay!.stats.gaps).toBe(0);
    ws.send(JSON.stringify({ type: 'heartbeat', time: '2026-12-05T00:00:03.000Z', last_seq: null, book_seq: 7 }));
    await until(() => relay!.stats.gaps === 1, 'the gap');
    expect(errors.at(-1)).toMatch(/heartbeat at book seq 7, book at 5/);
  });

  it('reconnects after the writer drops the connection, with the book unknown until the new snapshot', async () => {
    const { ws } = await setup();
    ws.send(JSON.stringify(snapshot(2, [['0.0500', '1']], [])));
    await until(() => relay!.bookSnapshot(1) !== null, 'the first book');
    const second = writer!.nextSocket();
    ws.terminate();
    const ws2 = await second;
    expect(relay!.bookSnapshot(1)).toBeNull();
    await until(() => writer!.received.length >= 2, 'the second subscription');
    ws2.send(JSON.stringify(snapshot(3, [['0.0520', '4']], [])));
    await until(() => relay!.bookSnapshot(1)?.seq === 3, 'the new book');
    expect(relay!.stats.connects).toBe(2);
    expect(relay!.bookSnapshot(5)?.bids).toEqual([['0.0520', '4']]);
  });
});
