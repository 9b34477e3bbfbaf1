import type net from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { H } from '../results/gatewayTags.js';
import { ColdlabError } from '../util/errors.js';
import { LAST_CHUNK, chunk, headerLines, statusLine } from '../http1/text.js';

// A client's idle keep-alive connection is closed after this long (node:http's server used 65 s here too).
const IDLE_TIMEOUT_MS = 65_000;
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

/** How an answer's body is delimited: by its content-length header, in chunks, or not at all (no body, or until close). */
export type Framing = 'length' | 'chunked' | 'none';

/** Where a request body goes once the request has an instance. */
export interface BodySink {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * One request from a client and its answer. Answers go out in the order the requests came (HTTP/1.1
 * pipelining): an answer ready before the one ahead of it waits in `held`.
 */
export class Exchange {
  /** How the request's own body is delimited: none, content-length, or chunked. */
  readonly body: 'none' | 'length' | 'chunked';
  /** The client sent a host header (an HTTP/1.0 client may not). */
  readonly hasHost: boolean;
  /** The client waits for `100 Continue` before it sends its body. */
  readonly expectsContinue: boolean;
  /** The client is gone: nothing written reaches it. */
  gone = false;
  headSent = false;
  ended = false;
  /** Output waiting for the answers ahead of it. */
  held: Buffer[] = [];
  private chunked = false;
  private bodyChunks: Buffer[] = [];
  private bodyDone = false;
  private sink: BodySink | undefined;
  private goneListener: (() => void) | undefined;

  constructor(
    private readonly connection: FrontConnection,
    readonly method: string,
    readonly url: string,
    readonly rawHeaders: readonly string[],
    /** The client speaks HTTP/1.1 (a 1.0 client gets no chunked answer). */
    readonly http11: boolean,
    /** The client keeps the connection after this answer. */
    readonly keepAlive: boolean,
  ) {
    // One pass over the headers for everything the gateway reads of them.
    let chunked = false;
    let length: string | undefined;
    let hasHost = false;
    let expectsContinue = false;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]?.toLowerCase();
      if (name === 'transfer-encoding') chunked = true;
      else if (name === 'content-length') length ??= rawHeaders[i + 1];
      else if (name === 'host') hasHost = true;
      else if (name === 'expect') expectsContinue = rawHeaders[i + 1]?.toLowerCase() === '100-continue';
    }
    this.body = chunked ? 'chunked' : length !== undefined && length.trim() !== '0' ? 'length' : 'none';
    this.hasHost = hasHost;
    this.expectsContinue = http11 && expectsContinue;
    if (this.body === 'none') this.bodyDone = true;
  }

  /** Hands the request body to `sink`: what came already at once, the rest as it comes. */
  pipeBody(sink: BodySink): void {
    for (const chunk of this.bodyChunks) sink.write(chunk);
    this.bodyChunks = [];
    if (this.bodyDone) sink.end();
    else this.sink = sink;
  }

  /** Writes the answer's head; with framing 'none' and a body, the body ends with the connection. */
  head(status: number, message: string, rawHeaders: readonly string[], extra: string, framing: Framing): void {
    if (this.headSent) return;
    this.headSent = true;
    // A 1.0 client cannot read chunks: its body runs until the connection closes instead.
    this.chunked = framing === 'chunked' && this.http11;
    if (framing === 'chunked' && !this.http11) this.connection.closeAfter(this);
    let head = statusLine(status, message) + headerLines(rawHeaders) + extra;
    if (this.chunked) head += 'transfer-encoding: chunked\r\n';
    if (this.connection.endsWith(this)) head += 'connection: close\r\n';
    // An HTTP/1.0 client keeps its connection only when told so (ApacheBench's -k waits for the close otherwise).
    else if (!this.http11) head += 'connection: keep-alive\r\n';
    this.connection.write(this, Buffer.from(`${head}\r\n`, 'latin1'));
  }

  /** A piece of the answer's body; false when the client's socket is full (wait for `onDrain`). */
  send(data: Buffer): boolean {
    if (data.length === 0) return true;
    return this.connection.write(this, this.chunked ? chunk(data) : data);
  }

  end(): void {
    if (this.ended) return;
    if (this.chunked) this.connection.write(this, LAST_CHUNK);
    this.ended = true;
    this.connection.finished(this);
  }

  /** The gateway answers itself; after the head has gone out, only cutting the connection tells the client. */
  fail(status: number, kind: string, message: string): void {
    if (this.ended) return;
    if (this.headSent) return this.connection.abort();
    const body = Buffer.from(JSON.stringify({ error: message }));
    this.head(status, '', [], `content-type: application/json\r\ncontent-length: ${body.length}\r\n${H.gatewayError}: ${kind}\r\n`, 'length');
    this.send(body);
    this.end();
  }

  /**
   * The instance's end cut its connection before it could answer (a Wasm thread ended for its timeout): the
   * gateway answers in its place as the function's failure, named as the instance would (x-coldlab-function-error),
   * with the gateway's tags for the request.
   */
  failFunction(status: number, error: string, message: string, tags: string): void {
    if (this.ended) return;
    if (this.headSent) return this.connection.abort();
    const body = Buffer.from(JSON.stringify({ error: message }));
    this.head(status, '', [], `content-type: application/json\r\ncontent-length: ${body.length}\r\n${H.functionError}: ${error}\r\n${tags}`, 'length');
    this.send(body);
    this.end();
  }

  /** The request's instance did not start (or the platform shut down first): 503, with the cause's code as the error kind. */
  failStart(error: unknown): void {
    const kind = error instanceof ColdlabError ? error.code.toLowerCase() : 'start-failed';
    this.fail(503, kind, error instanceof Error ? error.message : String(error));
  }

  onGone(listener: () => void): void {
    this.goneListener = listener;
  }

  onDrain(listener: () => void): void {
    this.connection.onDrain(listener);
  }

  /** From the connection's parser. */
  bodyChunk(chunk: Buffer): void {
    if (this.sink) this.sink.write(chunk);
    else this.bodyChunks.push(chunk);
  }

  bodyEnd(): void {
    this.bodyDone = true;
    this.sink?.end();
  }

  markGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.goneListener?.();
  }
}

/**
 * One client connection of the gateway, on a bare socket with http-parser-js: node:http's server built an
 * IncomingMessage and a ServerResponse, streams both, for every request, and that was most of what the
 * gateway added to a request (sequential requests, wrk -c1, 3–5 rounds per path on 2026-11-26: node:http with
 * undici added 50–83 µs at P50, bare sockets 12–31 µs, nginx 9–32 µs). What a client may send is HTTP/1.1 as RFC
 * 9112 has it, pipelining and chunked bodies included; protocol upgrades are refused.
 */
export class FrontConnection {
  // No request after the current ones: the client asked to close, or an answer is delimited by the close.
  private closing = false;
  private readonly queue: Exchange[] = [];
  // The connection ends once this one's answer is out.
  private last: Exchange | undefined;
  private corked = false;
  private parsing: Exchange | undefined;
  private readonly parser = new HTTPParser(HTTPParser.REQUEST);

  constructor(
    private readonly socket: net.Socket,
    private readonly route: (exchange: Exchange) => void,
  ) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => this.request(info.method, info.url, info.headers, info.versionMajor, info.versionMinor, info.shouldKeepAlive, info.upgrade);
    // A view into this read's own buffer (a server socket cannot read into a shared one), so it needs no copy.
    this.parser[HTTPParser.kOnBody] = (chunk, start, length) => this.parsing?.bodyChunk(chunk.subarray(start, start + length));
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      this.parsing?.bodyEnd();
      this.parsing = undefined;
    };
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (this.queue.length === 0) socket.destroy();
    });
    socket
      .on('data', (chunk: Buffer) => this.data(chunk))
      .on('error', () => undefined)
      .on('close', () => this.gone());
  }

  write(exchange: Exchange, data: Buffer): boolean {
    if (exchange.gone) return true;
    if (this.queue[0] !== exchange) {
      exchange.held.push(data);
      return true;
    }
    // What one tick writes (an answer's head, its body, its last chunk, as one read from the instance
    // brings them) leaves in one writev: written one by one, the head went out in a segment of its own,
    // and the client woke for it before the body came.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    return this.socket.write(data);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /** An answer is complete: the next one's held output goes out, or the connection ends if this was its last. */
  finished(exchange: Exchange): void {
    if (this.queue[0] !== exchange) return;
    this.queue.shift();
    let done: Exchange | undefined = exchange;
    while (done) {
      if (done === this.last) {
        // Requests pipelined after it are never answered: the client must retry them on a new connection.
        for (const later of this.queue.splice(0)) later.markGone();
        this.socket.end();
        return;
      }
      const next = this.queue[0];
      if (!next) return;
      for (const data of next.held) this.socket.write(data);
      next.held = [];
      done = next.ended ? this.queue.shift() : undefined;
    }
  }

  /** This exchange's answer is the connection's last. */
  closeAfter(exchange: Exchange): void {
    this.closing = true;
    this.last ??= exchange;
  }

  endsWith(exchange: Exchange): boolean {
    return this.last === exchange;
  }

  abort(): void {
    this.socket.destroy();
  }

  onDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  private data(chunk: Buffer): void {
    if (this.closing && !this.parsing) return;
    const parsed = this.parser.execute(chunk);
    if (!(parsed instanceof Error)) return;
    // Nothing of a broken stream can be trusted: answer 400 if nothing is in flight, and close.
    this.closing = true;
    if (this.queue.length === 0) this.socket.end(BAD_REQUEST);
    else this.abort();
  }

  private request(method: number, url: string, headers: string[], major: number, minor: number, keepAlive: boolean, upgrade: boolean): number {
    // After the last request a connection serves, anything more is not read.
    if (this.closing) return 0;
    const http11 = major > 1 || (major === 1 && minor >= 1);
    const exchange = new Exchange(this, HTTPParser.methods[method] ?? 'GET', url, headers, http11, keepAlive && !upgrade);
    this.queue.push(exchange);
    this.parsing = exchange;
    if (!exchange.keepAlive) this.closeAfter(exchange);
    if (upgrade) {
      exchange.fail(501, 'upgrade', "coldlab's gateway does not relay protocol upgrades");
      return 0;
    }
    // The client waits for this before it sends the body; the instance never sees the expectation.
    if (exchange.expectsContinue && this.queue[0] === exchange) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    this.route(exchange);
    return 0;
  }

  private gone(): void {
    for (const exchange of this.queue.splice(0)) exchange.markGone();
    this.parsing?.markGone();
  }
}
