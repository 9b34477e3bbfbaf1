import { Client, type Dispatcher } from 'undici';

/** What the pool needs of a request: something undici can run, and a way to tell it which connection took it. */
export interface PooledRequest extends Dispatcher.DispatchHandler {
  /** True once the request has its outcome (a deadline may end it while it waits for a connection). */
  readonly settled: boolean;
  /** Path and query of the GET. */
  readonly path: string;
  /** Called when a connection takes the request; the pool's `release` frees the connection when it settles. */
  dispatched(client: Client): void;
}

// New connections being opened at once. Without a cap, a burst that finds every connection busy opens one
// per request and the backlog each connect adds comes out as a bigger burst (seen here at 20k req/s with
// undici's own pool, which has no such cap: 2,560 requests in flight and a lag of seconds). The cap slows
// that growth; on a host busy with other work it still reached about 2,000 connections.
const MAX_CONNECTING = 8;

// Idle connections past the most recently used RESERVE are closed after REAP_IDLE_MS: a burst (a GC pause,
// a cold start holding requests) opens hundreds, and keep-alive alone would keep them all for a minute,
// held in place by the next burst (seen in a 35-minute soak: open fds 1,960 → 4,310). The reserve stays
// open across pauses between phases, so a phase does not start by paying for new connections.
const RESERVE = 64;
const REAP_IDLE_MS = 5_000;

const CLIENT_OPTIONS: Client.Options = {
  pipelining: 1,
  // Connections outlive a phase's pause, so the next phase does not pay ~1 ms per new loopback connection.
  keepAliveTimeout: 60_000,
  keepAliveMaxTimeout: 600_000,
  // Deadlines are the sender's own, one per request from its send; undici's would count from elsewhere.
  headersTimeout: 0,
  bodyTimeout: 0,
};

/**
 * Keep-alive connections to one origin for an open-loop sender, one request at a time on each: an idle
 * connection if there is one (the most recently used, so a few hot ones carry a steady load), else a new
 * one, else, while MAX_CONNECTING are still connecting, the request waits for the first to come free.
 * The total is not capped: an open-loop sender must never hold requests back because responses are slow.
 */
export class ConnectionPool {
  private readonly idle: Client[] = [];
  private readonly all = new Set<Client>();
  private readonly connecting = new Set<Client>();
  private readonly connected = new WeakSet<Client>();
  private readonly waiting: PooledRequest[] = [];
  private readonly idleSince = new WeakMap<Client, number>();
  private waitHead = 0;
  private closed = false;
  private reaper: NodeJS.Timeout | undefined;

  constructor(private readonly origin: string) {}

  /** Open connections, for tests and the bench. */
  get size(): number {
    return this.all.size;
  }

  dispatch(request: PooledRequest): void {
    const client = this.idle.pop() ?? (this.connecting.size < MAX_CONNECTING ? this.open() : undefined);
    if (client) this.start(client, request);
    else this.waiting.push(request);
  }

  /** A request on `client` has settled: hand the connection to the next waiting request, or park it. */
  release(client: Client): void {
    if (this.closed || client.destroyed || client.closed) {
      this.all.delete(client);
      return;
    }
    while (this.waitHead < this.waiting.length) {
      const next = this.waiting[this.waitHead++];
      if (next && !next.settled) return this.start(client, next);
    }
    this.waiting.length = 0;
    this.waitHead = 0;
    this.idle.push(client);
    this.idleSince.set(client, Date.now());
    if (this.idle.length > RESERVE) this.reaper ??= setInterval(() => this.reap(), REAP_IDLE_MS / 2).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reaper) clearInterval(this.reaper);
    this.idle.length = 0;
    const clients = [...this.all];
    this.all.clear();
    await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
  }

  // The idle stack's bottom holds the least recently used connections: close those idle too long, keep the reserve.
  private reap(): void {
    const cutoff = Date.now() - REAP_IDLE_MS;
    let keep = 0;
    while (keep < this.idle.length - RESERVE && (this.idleSince.get(this.idle[keep] as Client) ?? 0) <= cutoff) keep++;
    for (const client of this.idle.splice(0, keep)) {
      this.all.delete(client);
      void client.close().catch(() => undefined);
    }
    if (this.idle.length <= RESERVE && this.reaper) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }

  private open(): Client {
    const client = new Client(this.origin, CLIENT_OPTIONS);
    this.all.add(client);
    // Kept from undici's events rather than read from client.stats, which builds an object per call.
    client
      .on('connect', () => {
        this.connecting.delete(client);
        this.connected.add(client);
      })
      .on('connectionError', () => this.connecting.delete(client))
      .on('disconnect', () => this.connected.delete(client));
    return client;
  }

  private start(client: Client, request: PooledRequest): void {
    // A connection the server closed while idle reconnects on its next request: that counts as connecting too.
    if (!this.connected.has(client)) this.connecting.add(client);
    request.dispatched(client);
    client.dispatch({ path: request.path, method: 'GET' }, request);
  }
}
