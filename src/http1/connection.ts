import net from 'node:net';
import { HTTPParser } from 'http-parser-js';

/** What a connection tells the request it carries: exactly one of `onEnd` or `onError`, after at most one `onHeaders`. */
export interface WireHandler {
  onHeaders(status: number, rawHeaders: readonly string[], statusMessage: string): void;
  /** The body as it arrives, each chunk the handler's own copy; without this method bodies are dropped unread. */
  onBody?(chunk: Buffer): void;
  onEnd(): void;
  onError(error: Error): void;
}

/** What a connection tells its pool. */
export interface WireEvents {
  /** The handshake is done. */
  onConnect(connection: WireConnection): void;
  /** The socket is gone (refused, closed by the server, destroyed); called once. */
  onClose(connection: WireConnection): void;
}

// Every connection reads into this one buffer: each read is parsed before the next can land, and the parser
// keeps no view of it (a partial header line is kept as a string, and bodies are dropped). Reading through
// `onread` skips the per-read Buffer and the readable stream's bookkeeping.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** The request head of a GET to `url`, written as is on every request: built once per sender, not per request. */
export function getHead(url: URL): Buffer {
  return Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n\r\n`, 'latin1');
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time, on a bare socket with http-parser-js (the
 * parser autocannon uses). The sender sends its GETs on it, and the gateway relays requests to instances on it.
 * Both are the lab's own cost. undici's dispatcher took 23–26 µs of CPU per request here, this client 17–19 µs
 * (four requests in flight against a trivial server), and undici builds a Client with its own parser for every
 * new connection: at 20,000 req/s, where each stall of the server makes the sender open hundreds of
 * connections, send lag P99 went from 31 ms to 2.2 ms with this client (one bench run each, 2026-11-26).
 */
export class WireConnection {
  /** True once the handshake is done. */
  connected = false;
  /** True once the socket is gone or going: the pool never hands it another request. */
  closed = false;
  /** When it last became idle (ms, Date.now()), for the pool's reaper. */
  idleSinceMs = 0;
  /** Requests it has answered: a failure on a connection that answered before may be the server's idle close. */
  answered = 0;
  private handler: WireHandler | undefined;
  // The answer to a HEAD has a length but no body.
  private bodyless = false;
  // A 1xx answer precedes the real one on the same request: its end is not the request's end.
  private informational = false;
  private keepAlive = true;
  private readonly socket: net.Socket;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);

  constructor(host: string, port: number, private readonly events: WireEvents) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => this.headers(info.statusCode, info.statusMessage, info.headers, info.shouldKeepAlive);
    // Views into the shared read buffer: copied, since the next read overwrites it.
    this.parser[HTTPParser.kOnBody] = (chunk, start, length) => this.handler?.onBody?.(Buffer.from(chunk.subarray(start, start + length)));
    this.parser[HTTPParser.kOnMessageComplete] = () => this.complete();
    this.socket = net.connect({ host, port, noDelay: true, onread: { buffer: READ_BUFFER, callback: (length, buffer) => this.data(buffer, length) } });
    this.socket
      .on('connect', () => {
        this.connected = true;
        this.events.onConnect(this);
      })
      // The server's goodbye (an idle keep-alive timeout): no new request goes to it between now and 'close'.
      .on('end', () => {
        this.closed = true;
      })
      // The error's cause reaches the request through 'close', which always follows.
      .on('error', () => undefined)
      .on('close', () => this.gone());
  }

  /** Writes one request's head (a body follows through `write`); the connection must be idle and open. */
  request(head: Buffer | string, handler: WireHandler, bodyless = false): void {
    this.handler = handler;
    this.bodyless = bodyless;
    this.socket.ref();
    this.socket.write(head, 'latin1');
  }

  /** Request body bytes, after `request`. */
  write(chunk: Buffer): void {
    this.socket.write(chunk);
  }

  /** Stops reading answers until `resume`: the side the answer goes to is not keeping up. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Idle from now on: an idle connection does not hold the process open. */
  park(nowMs: number): void {
    this.idleSinceMs = nowMs;
    this.socket.unref();
  }

  /** Ends the connection now; the request on it, if any, hears nothing more (its owner ended it). */
  destroy(): void {
    this.handler = undefined;
    this.closed = true;
    this.socket.destroy();
  }

  // Returns whether to keep reading, as `onread` asks.
  private data(buffer: Uint8Array, length: number): boolean {
    if (!this.handler) {
      // Bytes nobody asked for (an answer after a deadline, a server's goodbye): the stream cannot be trusted.
      this.destroy();
      return false;
    }
    const parsed = this.parser.execute(buffer as Buffer, 0, length);
    if (parsed instanceof Error) this.fail(parsed);
    return true;
  }

  // Returns the parser's skipBody: 1 for no body to read.
  private headers(status: number, message: string, raw: string[], keepAlive: boolean): number {
    this.informational = status >= 100 && status < 200 && status !== 101;
    if (this.informational) return 0;
    this.keepAlive = keepAlive;
    this.handler?.onHeaders(status, raw, message);
    return this.bodyless ? 1 : 0;
  }

  private complete(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const handler = this.handler;
    this.handler = undefined;
    this.answered++;
    // A server that said `connection: close` gets no second request on this socket.
    if (!this.keepAlive) this.destroy();
    handler?.onEnd();
  }

  private fail(error: Error): void {
    const handler = this.handler;
    this.destroy();
    handler?.onError(error);
  }

  private gone(): void {
    this.closed = true;
    // A body delimited by the end of the connection ends here (the parser completes it); anything else in flight was cut off.
    if (this.handler) this.parser.finish();
    const handler = this.handler;
    this.handler = undefined;
    handler?.onError(new Error(this.connected ? 'connection closed' : 'connection failed'));
    this.events.onClose(this);
  }
}
