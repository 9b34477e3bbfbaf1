import { WireConnection, type WireHandler } from '../http1/connection.js';
import type { Instance } from '../runtimes/types.js';
import type { Exchange } from './front.js';
import { LAST_CHUNK, chunk, headerLines, isBodyless, rawHeader } from '../http1/text.js';
import type { Lease } from './pool.js';
import { H } from '../results/gatewayTags.js';

// Methods whose request may go twice (RFC 9110 §9.2.2): only those are sent again after a kept connection fails.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
// An idle connection older than this is not reused: node:http's own servers close theirs after 5 s, and a
// request written as the server closes would fail for nothing.
const REUSE_IDLE_MS = 4_000;

/**
 * Keep-alive connections to one origin, one request at a time each, as many as its requests in flight: the
 * instance's concurrency limit is the pool's (platform/pool.ts), so no cap here. Instances that share an origin
 * (a Wasm thread serves its instances one after another on one port, each under its own base path) share its
 * kept connections, kept while the thread lives, so a new instance's first request rides a connection already
 * open, as behind Spin or Fastly.
 */
class Upstream {
  private readonly idle: WireConnection[] = [];
  private live = 0;
  private retired = false;

  constructor(
    readonly host: string,
    private readonly hostname: string,
    private readonly port: number,
    private readonly onRetired: () => void,
  ) {}

  /** One more instance served here; once what answers at the origin is gone for the last of them, the idle connections go too. */
  attach(instance: Instance): void {
    this.live++;
    // An instance that is stopping may still be answering: busy connections finish on their own, idle ones go
    // when the origin does.
    void (instance.originExited ?? instance.exited).then(() => {
      if (--this.live > 0) return;
      this.retired = true;
      this.onRetired();
      for (const connection of this.idle.splice(0)) connection.destroy();
    });
  }

  /** The most recently used idle connection (its server has most likely kept it), or a new one. */
  take(): WireConnection {
    const now = Date.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (!connection.closed && now - connection.idleSinceMs < REUSE_IDLE_MS) return connection;
      connection.destroy();
    }
    return this.open();
  }

  open(): WireConnection {
    return new WireConnection(this.hostname, this.port, { onConnect: () => undefined, onClose: () => undefined });
  }

  give(connection: WireConnection): void {
    const now = Date.now();
    if (this.retired) connection.destroy();
    else if (!connection.closed) {
      connection.park(now);
      this.idle.push(connection);
    }
    // Taken last in first out, the oldest idle connections sit at the bottom: those too old to be reused
    // are closed here rather than left open until the instance's own keep-alive timeout (65 s for coldlab's
    // runners) while a burst's worth of them holds descriptors at both ends.
    for (let oldest = this.idle[0]; oldest && (oldest.closed || now - oldest.idleSinceMs >= REUSE_IDLE_MS); oldest = this.idle[0]) {
      this.idle.shift();
      oldest.destroy();
    }
  }
}

/** Where an instance is reached: its origin's connections, and the base path its requests go under ('' for most). */
interface Route {
  upstream: Upstream;
  basePath: string;
}

const byOrigin = new Map<string, Upstream>();
const routes = new WeakMap<Instance, Route>();
function routeOf(instance: Instance): Route {
  let route = routes.get(instance);
  if (route) return route;
  const url = new URL(instance.url);
  let upstream = byOrigin.get(url.host);
  if (!upstream) {
    const made: Upstream = new Upstream(url.host, url.hostname, Number(url.port), () => {
      if (byOrigin.get(made.host) === made) byOrigin.delete(made.host);
    });
    byOrigin.set(url.host, (upstream = made));
  }
  upstream.attach(instance);
  route = { upstream, basePath: url.pathname.replace(/\/+$/, '') };
  routes.set(instance, route);
  return route;
}

/** The request as the instance gets it: the client's head minus hop-by-hop headers, its body re-framed. */
function requestHead(exchange: Exchange, host: string, basePath: string): string {
  // Under the instance's base path; an asterisk-form target (OPTIONS *) has no path to put it under.
  const target = basePath !== '' && exchange.url.startsWith('/') ? `${basePath}${exchange.url}` : exchange.url;
  let head = `${exchange.method} ${target} HTTP/1.1\r\n`;
  // HTTP/1.1 needs a host, which an HTTP/1.0 client may not have sent (RFC 9112 §3.2).
  if (!exchange.hasHost) head += `host: ${host}\r\n`;
  // A chunked body goes on chunked: a content-length beside it would be a lie (RFC 9112 §6.3).
  if (exchange.body === 'chunked') return `${head}${headerLines(exchange.rawHeaders, 'content-length')}transfer-encoding: chunked\r\n\r\n`;
  return `${head}${headerLines(exchange.rawHeaders)}\r\n`;
}

/**
 * Relays one instance answer to the client: its headers plus the gateway's tags, then its body as it comes. A
 * request that rode its instance's start (pool.ts, Lease.started) is relayed once the start is known: its tags
 * carry the start's figures, and an answer to a start that failed is dropped for the gateway's own, as when a
 * request waits for a start that fails.
 */
class Relay implements WireHandler {
  private released = false;
  private answered = false;
  /** What the connection said before the start was known, replayed in order once it is. */
  private held: Array<() => void> | undefined;
  private startFailed = false;
  private explaining = false;

  constructor(
    private readonly exchange: Exchange,
    private readonly lease: Lease,
    private readonly route: Route,
    private readonly connection: WireConnection,
    private readonly reused: boolean,
  ) {
    if (!lease.started) return;
    this.held = [];
    lease.started.then(
      () => this.replay(),
      (error: unknown) => {
        this.startFailed = true;
        this.exchange.failStart(error);
        this.replay();
      },
    );
  }

  private replay(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const step of held) step();
  }

  onHeaders(status: number, raw: readonly string[], message: string): void {
    if (this.held) {
      this.held.push(() => this.onHeaders(status, raw, message));
      // The instance said its start in this answer: the start is known now, and the replay follows at once.
      const said = this.lease.instance.startedBy ? rawHeader(raw, H.instanceStarted) : undefined;
      if (said !== undefined) this.lease.instance.startedBy!(said);
      return;
    }
    this.answered = true;
    if (this.startFailed) return;
    const framing = rawHeader(raw, 'content-length') !== undefined ? 'length' : isBodyless(this.exchange.method, status) ? 'none' : 'chunked';
    this.exchange.head(status, message, raw, this.tags(), framing);
  }

  onBody(chunk: Buffer): void {
    if (this.held) return void this.held.push(() => this.onBody(chunk));
    if (this.startFailed) return;
    // Backpressure: a slow client pauses the instance's answer instead of growing the gateway's memory.
    if (this.exchange.send(chunk) || this.exchange.gone) return;
    this.connection.pause();
    this.exchange.onDrain(() => this.connection.resume());
  }

  onEnd(): void {
    if (this.held) return void this.held.push(() => this.onEnd());
    this.release();
    this.route.upstream.give(this.connection);
    if (!this.startFailed) this.exchange.end();
  }

  onError(error: Error): void {
    if (this.held) return void this.held.push(() => this.onError(error));
    if (this.startFailed) return this.release();
    const instance = this.lease.instance;
    // An instance whose end cuts its connections (a Wasm thread ended for a timeout) is asked why first: its
    // answer is the function's failure, not a network error, and is not sent again elsewhere.
    if (instance.explainCut && !this.answered && !this.explaining) {
      this.explaining = true;
      void instance.explainCut().then((cut) => {
        if (!cut) return this.onError(error);
        this.exchange.failFunction(cut.status, cut.error, cut.message, this.tags());
        this.release();
      });
      return;
    }
    // A kept connection the instance closed just as the request went out: nothing was answered, so an
    // idempotent request with no body to replay goes again on a new connection, as a browser or undici would.
    const exchange = this.exchange;
    if (this.reused && !this.answered && exchange.body === 'none' && IDEMPOTENT.has(exchange.method) && !exchange.gone) {
      send(exchange, this.lease, this.route, this.route.upstream.open(), false);
      return;
    }
    this.release();
    this.exchange.fail(502, 'upstream', `instance ${this.lease.instance.id} failed: ${error.message}`);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.lease.release();
  }

  // Added to the instance's own headers: whether this request started cold, where, and what it waited.
  private tags(): string {
    const lease = this.lease;
    let tags = `${H.startKind}: ${lease.startKind}\r\n${H.instance}: ${lease.instance.id}\r\n${H.queueUs}: ${Math.round(lease.queueUs)}\r\n`;
    if (lease.startKind === 'cold') {
      if (lease.coldReason) tags += `${H.coldReason}: ${lease.coldReason}\r\n`;
      const start = lease.instance.start;
      if (start.initMs !== undefined) tags += `${H.initMs}: ${start.initMs.toFixed(3)}\r\n`;
      tags += `${H.startMs}: ${start.totalMs.toFixed(3)}\r\n`;
    }
    return tags;
  }
}

function send(exchange: Exchange, lease: Lease, route: Route, connection: WireConnection, reused: boolean): void {
  connection.request(requestHead(exchange, route.upstream.host, route.basePath), new Relay(exchange, lease, route, connection, reused), exchange.method === 'HEAD');
  if (exchange.body === 'none') return;
  const chunked = exchange.body === 'chunked';
  // Request bodies are small in a function benchmark: what the instance is slow to take waits in the socket's buffer.
  exchange.pipeBody({
    write: (data) => {
      if (data.length > 0) connection.write(chunked ? chunk(data) : data);
    },
    end: () => {
      if (chunked) connection.write(LAST_CHUNK);
    },
  });
}

/** Sends the client's request to the leased instance and relays the answer; the lease ends with the answer. */
export function forward(exchange: Exchange, lease: Lease): void {
  const route = routeOf(lease.instance);
  const connection = route.upstream.take();
  send(exchange, lease, route, connection, connection.answered > 0);
}
