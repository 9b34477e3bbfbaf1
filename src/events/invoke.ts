import type { WireConnection } from '../http1/connection.js';
import { ConnectionPool, type PooledRequest } from '../load/connections.js';
import { classifyRaw, type Verdict } from '../load/classify.js';

/**
 * The trigger's call of the function: a POST through coldlab's platform gateway, on the same keep-alive wire
 * client the load sender uses, so the gateway routes it (warm instance, queue or cold start) and tags the
 * answer exactly as it does an HTTP request's. The message body is the request body; its id the request id.
 */
export class Invoker {
  private readonly pool: ConnectionPool;
  private readonly host: string;
  private readonly path: string;

  constructor(gatewayUrl: string, subject: string, private readonly timeoutMs: number) {
    const url = new URL(gatewayUrl);
    this.pool = new ConnectionPool(url.origin);
    this.host = url.host;
    this.path = `/events/${encodeURIComponent(subject)}`;
  }

  /** Resolves with the gateway's verdict on one invocation; never rejects (failures are verdicts too). */
  invoke(messageId: string, body: Uint8Array): Promise<Verdict> {
    const head = Buffer.concat([
      Buffer.from(
        `POST ${this.path} HTTP/1.1\r\nhost: ${this.host}\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: ${body.byteLength}\r\n` +
          `x-coldlab-request-id: ${messageId}\r\nx-coldlab-timeout-ms: ${this.timeoutMs}\r\n\r\n`,
        'latin1',
      ),
      body,
    ]);
    return new Promise((resolve) => this.pool.dispatch(new Invocation(head, this.pool, this.timeoutMs, resolve)));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One call in flight: its bytes, its deadline, and the single verdict it ends with. */
class Invocation implements PooledRequest {
  settled = false;
  private status = 0;
  private headers: readonly string[] = [];
  private connection: WireConnection | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly head: Buffer,
    private readonly pool: ConnectionPool,
    timeoutMs: number,
    private readonly done: (verdict: Verdict) => void,
  ) {
    // The connection may still get this call's answer after the deadline: destroyed, not reused.
    this.timer = setTimeout(() => {
      this.connection?.destroy();
      this.settle({ ok: false, status: 0, errorKind: 'timeout' });
    }, timeoutMs);
  }

  dispatched(connection: WireConnection): void {
    this.connection = connection;
  }

  onHeaders(status: number, rawHeaders: readonly string[]): void {
    this.status = status;
    this.headers = rawHeaders;
  }

  onEnd(): void {
    this.settle(classifyRaw(this.status, this.headers));
  }

  onError(): void {
    this.settle({ ok: false, status: this.status, errorKind: 'connection' });
  }

  private settle(verdict: Verdict): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) this.pool.release(connection);
    this.done(verdict);
  }
}
