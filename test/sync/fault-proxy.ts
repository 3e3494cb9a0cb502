// A loopback proxy in front of the real platform that injects faults: platform down,
// HTTP 5xx, hanging requests (timeouts), responses cut mid-body, WebSocket connections
// killed mid-stream, and rewritten event pages (duplicated, reordered, gapped, malformed).
import http from 'node:http';
import net from 'node:net';

export interface Faults {
  /** Refuse every connection (the platform is down). */
  down: boolean;
  /** The next N REST requests get 503. */
  http_5xx: number;
  /** The next N REST requests never get an answer. */
  hang: number;
  /** The next N REST responses are cut off in the middle of the body. */
  truncate: number;
  /** Rewrites each GET /v1/events page before the client sees it. */
  events: ((events: unknown[], after: number) => unknown[]) | null;
  /** Holds matching REST requests this long before forwarding them (a slow network, a delayed send). */
  delay_ms: ((method: string, path: string) => number) | null;
}

const BODY_MAX = 32 * 1024 * 1024;

export class FaultProxy {
  readonly faults: Faults = { down: false, http_5xx: 0, hang: 0, truncate: 0, events: null, delay_ms: null };
  /** Paths of REST requests seen (for assertions). */
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly ws_sockets = new Map<net.Socket, net.Socket>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: URL,
    readonly url: string,
  ) {}

  static async start(target_url: string): Promise<FaultProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const proxy = new FaultProxy(server, new URL(target_url), `http://127.0.0.1:${port}`);
    server.on('connection', (s) => {
      proxy.sockets.add(s);
      s.on('close', () => proxy.sockets.delete(s));
      if (proxy.faults.down) s.destroy();
    });
    server.on('request', (req, res) => proxy.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => proxy.onUpgrade(req, socket as net.Socket, head));
    return proxy;
  }

  /** The platform "dies mid-stream": every open WebSocket connection is cut. */
  killStreams(): void {
    for (const s of this.ws_sockets.keys()) s.destroy();
  }

  /** Open WebSocket connections stay open but carry nothing (no events, no heartbeats). */
  freezeStreams(): void {
    for (const [client, upstream] of this.ws_sockets) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  setDown(down: boolean): void {
    this.faults.down = down;
    if (down) for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    for (const s of this.ws_sockets.keys()) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const f = this.faults;
    this.requests.push(req.url ?? '');
    if (f.down) return void req.socket.destroy();
    if (f.hang > 0) {
      f.hang -= 1;
      return; // never answered; the socket is destroyed at close()
    }
    if (f.http_5xx > 0) {
      f.http_5xx -= 1;
      res.writeHead(503, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { code: 'unavailable', message: 'injected 503' } }));
    }
    const chunks: Buffer[] = [];
    const delay_ms = f.delay_ms?.(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname) ?? 0;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      const upstream = http.request(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: { ...req.headers, host: this.target.host } },
        (up) => {
          const body: Buffer[] = [];
          let size = 0;
          up.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= BODY_MAX) body.push(c);
          });
          up.on('end', () => this.respond(req, res, up.statusCode ?? 502, up.headers, Buffer.concat(body)));
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    }, delay_ms));
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer): void {
    const f = this.faults;
    let out = body;
    const u = new URL(req.url ?? '/', 'http://x');
    if (f.events && status === 200 && u.pathname === '/v1/events') {
      const page = JSON.parse(body.toString()) as { events: unknown[]; last_seq: number };
      page.events = f.events(page.events, Number(u.searchParams.get('after') ?? 0));
      out = Buffer.from(JSON.stringify(page));
    }
    const h: http.OutgoingHttpHeaders = { ...headers, 'content-length': out.length };
    delete h['transfer-encoding'];
    if (f.truncate > 0) {
      f.truncate -= 1;
      res.writeHead(status, h);
      res.write(out.subarray(0, Math.floor(out.length / 2)));
      setTimeout(() => res.destroy(), 5);
      return;
    }
    res.writeHead(status, h);
    res.end(out);
  }

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (this.faults.down) return void socket.destroy();
    const up = net.connect(Number(this.target.port), this.target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i] as string;
        lines.push(`${k}: ${k.toLowerCase() === 'host' ? this.target.host : (req.rawHeaders[i + 1] as string)}`);
      }
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    this.ws_sockets.set(socket, up);
    const drop = () => {
      this.ws_sockets.delete(socket);
      socket.destroy();
      up.destroy();
    };
    socket.on('close', drop);
    socket.on('error', drop);
    up.on('close', drop);
    up.on('error', drop);
  }
}
