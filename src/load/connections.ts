import { WireConnection, type WireHandler } from '../http1/connection.js';

/** What the pool needs of a request: its bytes, something to hear the answer, and a way to tell it which connection took it. */
export interface PooledRequest extends WireHandler {
  /** True once the request has its outcome (a deadline may end it while it waits for a connection). */
  readonly settled: boolean;
  /** The whole request head, the same bytes for every request of a sender. */
  readonly head: Buffer;
  /** Called when a connection takes the request; the pool's `release` frees the connection when it settles. */
  dispatched(connection: WireConnection): void;
}

// New connections being opened at once. Without a cap, a burst that finds every connection busy opens one
// per request and the backlog each connect adds comes out as a bigger burst (seen here at 20k req/s with
// undici's own pool, used before ../http1/connection.ts, which has no such cap: 2,560 requests in flight and a lag of seconds). The cap slows
// that growth; on a host busy with other work it still reached about 2,000 connections.
const MAX_CONNECTING = 8;

// Idle connections past the most recently used RESERVE are closed after REAP_IDLE_MS: a burst (a GC pause,
// a cold start holding requests) opens hundreds, and keep-alive alone would keep them all for a minute,
// held in place by the next burst (seen in a 35-minute soak: open fds 1,960 → 4,310). The reserve stays
// open across pauses between phases, so a phase does not start by paying for new connections.
const RESERVE = 64;
const REAP_IDLE_MS = 5_000;

/**
 * Keep-alive connections to one origin for an open-loop sender, one request at a time on each: an idle
 * connection if there is one (the most recently used, so a few hot ones carry a steady load), else a new
 * one, else, while MAX_CONNECTING are still connecting, the request waits in line for the first
 * connection to come free or the first connect slot, whichever comes first.
 * The total is not capped: an open-loop sender must never hold requests back because responses are slow.
 */
export class ConnectionPool {
  private readonly idle: WireConnection[] = [];
  private readonly all = new Set<WireConnection>();
  private readonly waiting: PooledRequest[] = [];
  private readonly host: string;
  private readonly port: number;
  private connecting = 0;
  private waitHead = 0;
  private closed = false;
  private reaper: NodeJS.Timeout | undefined;
  private readonly events = {
    onConnect: (): void => {
      this.connecting--;
      this.openForWaiting();
    },
    onClose: (connection: WireConnection): void => {
      this.all.delete(connection);
      if (connection.connected) return;
      this.connecting--;
      this.openForWaiting();
    },
  };

  constructor(origin: string) {
    const url = new URL(origin);
    // net.connect wants an IPv6 literal without the URL's brackets.
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(url.port) || 80;
  }

  /** Open connections, for tests and the bench. */
  get size(): number {
    return this.all.size;
  }

  dispatch(request: PooledRequest): void {
    // First come, first served: behind requests already waiting, a new one waits too.
    if (this.peekWaiting()) {
      this.waiting.push(request);
      this.openForWaiting();
      return;
    }
    const connection = this.takeIdle() ?? (this.connecting < MAX_CONNECTING ? this.open() : undefined);
    if (connection) this.start(connection, request);
    else this.waiting.push(request);
  }

  /** A request on `connection` has settled: hand the connection to the next waiting request, or park it. */
  release(connection: WireConnection): void {
    if (connection.closed || this.closed) {
      // A dead connection's place goes to a new one when requests wait: a refused or reset connect then
      // fails each waiting request in turn instead of leaving it to its deadline.
      this.openForWaiting();
      return;
    }
    const next = this.nextWaiting();
    if (next) return this.start(connection, next);
    connection.park(Date.now());
    this.idle.push(connection);
    if (this.idle.length > RESERVE) this.reaper ??= setInterval(() => this.reap(), REAP_IDLE_MS / 2).unref();
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.reaper) clearInterval(this.reaper);
    this.idle.length = 0;
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    return Promise.resolve();
  }

  /**
   * Opens connections for the oldest waiting requests while fewer than MAX_CONNECTING are being opened.
   * Called whenever a connect ends (done or failed): waiting requests were otherwise served only by
   * answers, one per answer, while newer requests took the freed connect slots, so after a stall (a
   * dropped SYN is retried a second later) the queue drained at the answer rate (a 10-million-request
   * soak here: send lag P99 79 ms, max 2.0 s; after this change one run had P99 65 ms, max 0.54 s).
   */
  private openForWaiting(): void {
    while (!this.closed && this.connecting < MAX_CONNECTING) {
      const next = this.nextWaiting();
      if (!next) return;
      this.start(this.open(), next);
    }
  }

  // Whether a request still waits, dropping those a deadline ended meanwhile off the front.
  private peekWaiting(): boolean {
    while (this.waitHead < this.waiting.length) {
      if (!this.waiting[this.waitHead]?.settled) return true;
      this.waitHead++;
    }
    this.waiting.length = 0;
    this.waitHead = 0;
    return false;
  }

  // The oldest request still waiting that has not ended meanwhile (a deadline ends waiting requests too).
  private nextWaiting(): PooledRequest | undefined {
    return this.peekWaiting() ? this.waiting[this.waitHead++] : undefined;
  }

  // The most recently used idle connection still open (the server may have closed some while they idled).
  private takeIdle(): WireConnection | undefined {
    let connection = this.idle.pop();
    while (connection?.closed) connection = this.idle.pop();
    return connection;
  }

  // The idle stack's bottom holds the least recently used connections: close those idle too long, keep the reserve.
  private reap(): void {
    const cutoff = Date.now() - REAP_IDLE_MS;
    let keep = 0;
    while (keep < this.idle.length - RESERVE && (this.idle[keep]?.idleSinceMs ?? 0) <= cutoff) keep++;
    for (const connection of this.idle.splice(0, keep)) connection.destroy();
    if (this.idle.length <= RESERVE && this.reaper) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }

  private open(): WireConnection {
    const connection = new WireConnection(this.host, this.port, this.events);
    this.connecting++;
    this.all.add(connection);
    return connection;
  }

  private start(connection: WireConnection, request: PooledRequest): void {
    request.dispatched(connection);
    connection.request(request.head, request);
  }
}
