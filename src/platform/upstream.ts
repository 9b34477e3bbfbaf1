import type http from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { Instance } from '../runtimes/types.js';
import type { Lease } from './pool.js';
import { H } from './protocol.js';

/** How the gateway answers itself when the instance fails it. */
export type Fail = (res: http.ServerResponse, status: number, kind: string, message: string) => void;

// Per-connection headers a proxy must not pass on (RFC 9110 §7.6.1); each side's client sets its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/**
 * One keep-alive connection pool per instance, made on its first request and closed when it exits. undici,
 * not node:http's ClientRequest: it writes the request in the same tick and hands back status, headers,
 * body and end straight from its parser, where ClientRequest and IncomingMessage cost a stream and several
 * ticks each way (profiled: the ClientRequest path was most of the gateway's own CPU per request).
 */
const pools = new WeakMap<Instance, Pool>();
function poolOf(instance: Instance): Pool {
  let pool = pools.get(instance);
  if (!pool) {
    const created = new Pool(new URL(instance.url).origin, {
      connections: null,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      // The load side's request deadline is the one that counts; the gateway waits as long as the instance takes.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    // close(), not destroy(): an instance that is stopping may still be answering (a Wasm host answers a
    // request its worker timed out on after the worker is gone); a dead one's sockets fail on their own.
    void instance.exited.then(() => created.close().catch(() => undefined));
    pools.set(instance, created);
    pool = created;
  }
  return pool;
}

/** The client's raw headers minus hop-by-hop ones, still a flat name, value… list. */
function forwardedHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, raw[i + 1] ?? '');
  }
  return out;
}

function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Relays one instance response to the client: its headers plus the gateway's tags, then its body as it comes. */
class Relay implements Dispatcher.DispatchHandler {
  private released = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly lease: Lease,
    private readonly fail: Fail,
  ) {}

  onRequestStart(): void {
    // Nothing to do before the response; required so undici uses this handler's callback style.
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    const headers = this.tags(responseHeaders(controller.rawHeaders));
    if (this.res.destroyed) return;
    this.res.writeHead(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.destroyed) return;
    // Backpressure: a slow client pauses the instance's response instead of growing the gateway's memory.
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.release();
    if (!this.res.destroyed) this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.release();
    this.fail(this.res, 502, 'upstream', `instance ${this.lease.instance.id} failed: ${error.message}`);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.lease.release();
  }

  // Appended to the instance's own headers: whether this request started cold, where, and what it waited.
  private tags(raw: string[]): string[] {
    const lease = this.lease;
    raw.push(H.startKind, lease.startKind, H.instance, lease.instance.id, H.queueUs, String(Math.round(lease.queueUs)));
    if (lease.startKind === 'cold') {
      if (lease.coldReason) raw.push(H.coldReason, lease.coldReason);
      const start = lease.instance.start;
      if (start.initMs !== undefined) raw.push(H.initMs, start.initMs.toFixed(3));
      raw.push(H.startMs, start.totalMs.toFixed(3));
    }
    return raw;
  }
}

// Header bytes are Latin-1 on the wire (RFC 9110 §5.5), so they are decoded as such, not as UTF-8.
const text = (value: Buffer | string | undefined): string => (typeof value === 'string' ? value : (value?.toString('latin1') ?? ''));

/** The instance's raw response headers as strings, hop-by-hop ones dropped (Node's server sets its own). */
function responseHeaders(raw: Dispatcher.DispatchController['rawHeaders']): string[] {
  const out: string[] = [];
  if (!Array.isArray(raw)) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = text(raw[i]);
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, text(raw[i + 1]));
  }
  return out;
}

/** Sends the client's request to the leased instance and relays the answer; the lease ends with the response. */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, lease: Lease, fail: Fail): void {
  const options: Dispatcher.DispatchOptions = {
    path: req.url ?? '/',
    method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: forwardedHeaders(req.rawHeaders),
    body: hasBody(req) ? req : null,
  };
  poolOf(lease.instance).dispatch(options, new Relay(res, lease, fail));
}
