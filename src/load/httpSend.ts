import type { Outcome } from '../results/recorder.js';
import { nowUs } from '../util/clock.js';
import { classifyRaw } from './classify.js';
import { ConnectionPool, type PooledRequest } from './connections.js';
import { getHead, type WireConnection } from '../http1/connection.js';

// Its own wire client (../http1/connection.ts), not node:http's ClientRequest (about 100 µs of the sender's CPU per
// request, profiled here) or undici's dispatcher (23–26 µs against the wire client's 17–19 µs).

type Failure = 'timeout' | 'aborted' | 'connection';

const NO_HEADERS: readonly string[] = Object.freeze([]);

/** One request's life, from hand-over to its single outcome; also its connection's handler for it. */
class Exchange implements PooledRequest {
  settled = false;
  /** When a connection took the request (µs); until then it waits in the pool. */
  sentUs = 0;
  private connection: WireConnection | undefined;
  private failure: Failure | undefined;
  private status = 0;
  private headers: readonly string[] = NO_HEADERS;

  constructor(
    private readonly sender: RequestSender,
    readonly head: Buffer,
    readonly intendedUs: number,
    /** When the sender handed it over (µs): its deadline counts from here. */
    readonly handedUs: number,
  ) {}

  dispatched(connection: WireConnection): void {
    this.connection = connection;
    this.sentUs = nowUs();
    this.sender.onSent(this.intendedUs, this.sentUs);
  }

  onHeaders(status: number, rawHeaders: readonly string[]): void {
    this.status = status;
    this.headers = rawHeaders;
  }

  // The body is read to its end and dropped: latency counts until the last byte.
  onEnd(): void {
    this.settle(classifyRaw(this.status, this.headers));
  }

  onError(): void {
    this.settle({ ok: false, errorKind: this.failure ?? 'connection', ...(this.status ? { status: this.status } : {}) });
  }

  /** Ends the request now with `failure` as its outcome. */
  fail(failure: Failure): void {
    if (this.settled) return;
    this.failure = failure;
    // Ended while it waited for a connection: it leaves (as a failure) now, and its send lag says so.
    if (this.sentUs === 0) {
      this.sentUs = nowUs();
      this.sender.onSent(this.intendedUs, this.sentUs);
    }
    // The connection may still receive this request's answer, so it cannot carry another one: closed
    // before it goes back to the pool.
    this.connection?.destroy();
    this.settle({ ok: false, errorKind: failure, ...(this.status ? { status: this.status } : {}) });
  }

  private settle(rest: Omit<Outcome, 'intendedUs' | 'sentUs' | 'endUs'>): void {
    if (this.settled) return;
    this.settled = true;
    const connection = this.connection;
    // The sender keeps settled exchanges until the oldest in flight is done (up to a timeout's worth at
    // the run's rate); their response headers were most of a 5,000 req/s backlog's heap (heap profile: 120 MB).
    this.headers = NO_HEADERS;
    this.connection = undefined;
    this.sender.onSettled({ intendedUs: this.intendedUs, sentUs: this.sentUs, endUs: nowUs(), ...rest }, connection);
  }
}

/**
 * Sends GETs to one URL and reports exactly one Outcome per request however it ends: response (latency
 * taken when the whole body has arrived), deadline ('timeout'), socket failure ('connection') or abort
 * ('aborted'). Deadlines need no timer per request: requests are handed over in order and share one
 * timeout, so their deadlines are in order too, and one ticking timer checks the oldest still in flight.
 */
export class RequestSender {
  private readonly queue: Exchange[] = [];
  private head = 0;
  private inFlightCount = 0;
  private ticker: NodeJS.Timeout | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly requestHead: Buffer;
  private readonly timeoutUs: number;
  private readonly tickMs: number;

  constructor(
    url: URL,
    private readonly pool: ConnectionPool,
    timeoutMs: number,
    private readonly onOutcome: (o: Outcome) => void,
    /** Told when a connection takes each request: its intended and actual send time (µs), for send lag. */
    private readonly onSentAt?: (intendedUs: number, sentUs: number) => void,
  ) {
    this.requestHead = getHead(url);
    this.timeoutUs = timeoutMs * 1000;
    // A deadline is noticed at most this late: 1/20 of the timeout, between 2 and 50 ms.
    this.tickMs = Math.min(50, Math.max(2, timeoutMs / 20));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Hands a request intended at `intendedUs` to a connection now (or as soon as one is free). */
  send(intendedUs: number): void {
    const exchange = new Exchange(this, this.requestHead, intendedUs, nowUs());
    this.queue.push(exchange);
    this.inFlightCount++;
    this.ticker ??= setInterval(() => this.expire(), this.tickMs).unref();
    this.pool.dispatch(exchange);
  }

  /** Resolves once nothing is in flight, after `ms`, or on abort, whichever comes first. */
  async settle(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.inFlightCount === 0 || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.idleWaiters.push(done);
    });
  }

  /** Ends everything still in flight as 'aborted' and stops the deadline timer. */
  close(): void {
    for (const exchange of this.queue.slice(this.head)) exchange.fail('aborted');
    this.queue.length = 0;
    this.head = 0;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Called by an Exchange when a connection takes it. */
  onSent(intendedUs: number, sentUs: number): void {
    this.onSentAt?.(intendedUs, sentUs);
  }

  /** Called once per request by its Exchange. */
  onSettled(outcome: Outcome, connection: WireConnection | undefined): void {
    this.inFlightCount--;
    if (connection) this.pool.release(connection);
    this.onOutcome(outcome);
    if (this.inFlightCount > 0) return;
    // Nothing left to watch: forget the settled requests and stop ticking until the next send.
    this.queue.length = 0;
    this.head = 0;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  // Drops settled requests off the front, then times out those whose deadline has passed.
  private expire(): void {
    const now = nowUs();
    while (this.head < this.queue.length) {
      const oldest = this.queue[this.head];
      if (!oldest) break;
      if (!oldest.settled) {
        if (now - oldest.handedUs < this.timeoutUs) break;
        oldest.fail('timeout');
      }
      this.head++;
    }
    // Compact now and then so the array does not grow with the run.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    // Behind one slow request, up to a timeout's worth of settled ones piles up (rate × timeout); when they
    // outnumber those in flight fourfold, keep only the unsettled, still in deadline order.
    const held = this.queue.length - this.head;
    if (held > 4096 && held > 4 * this.inFlightCount) {
      let kept = 0;
      for (let i = this.head; i < this.queue.length; i++) {
        const exchange = this.queue[i];
        if (exchange && !exchange.settled) this.queue[kept++] = exchange;
      }
      this.queue.length = kept;
      this.head = 0;
    }
  }
}
