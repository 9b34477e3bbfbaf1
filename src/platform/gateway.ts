import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, Lease } from './pool.js';
import { H } from './protocol.js';
import { ColdlabError } from '../util/errors.js';

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

// One keep-alive agent for every instance: connections are pooled per host:port, so a warm instance
// costs no TCP handshake, as behind a real FaaS front end.
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 10_000 });

// Appended to the instance's raw response headers (name, value, name, value…): no header object is built or copied.
function appendTags(raw: string[], lease: Lease): string[] {
  raw.push(H.startKind, lease.startKind, H.instance, lease.instance.id, H.queueUs, String(Math.round(lease.queueUs)));
  if (lease.startKind === 'cold') {
    if (lease.coldReason) raw.push(H.coldReason, lease.coldReason);
    const start = lease.instance.start;
    if (start.initMs !== undefined) raw.push(H.initMs, start.initMs.toFixed(3));
    raw.push(H.startMs, start.totalMs.toFixed(3));
  }
  return raw;
}

/** host and port of an instance, parsed once per instance rather than once per request. */
const targets = new WeakMap<Lease['instance'], { host: string; port: number }>();
function targetOf(instance: Lease['instance']): { host: string; port: number } {
  let target = targets.get(instance);
  if (!target) {
    const url = new URL(instance.url);
    target = { host: url.hostname, port: Number(url.port) };
    targets.set(instance, target);
  }
  return target;
}

function fail(res: http.ServerResponse, status: number, kind: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [H.gatewayError]: kind });
  res.end(body);
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, lease: Lease): void {
  const { host, port } = targetOf(lease.instance);
  // Raw header arrays both ways: Node neither lower-cases nor re-validates them into objects per request.
  const upstream = http.request({ host, port, path: req.url ?? '/', method: req.method, headers: req.rawHeaders, agent: upstreamAgent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, appendTags(answer.rawHeaders, lease));
    answer.pipe(res);
    answer.on('end', () => lease.release());
    answer.on('error', () => lease.release());
  });
  upstream.on('error', (error) => {
    lease.release();
    fail(res, 502, 'upstream', `instance ${lease.instance.id} failed: ${error.message}`);
  });
  req.pipe(upstream);
}

/** The platform's front door on 127.0.0.1: route each request to a warm instance or a cold start. */
export async function startGateway(pool: Pool): Promise<Gateway> {
  const server = http.createServer((req, res) => {
    // The common case, a warm instance free now, skips the promise and the abort wiring a wait needs.
    const warm = pool.tryAcquireWarm();
    if (warm) return forward(req, res, warm);
    const gaveUp = new AbortController();
    res.on('close', () => gaveUp.abort());
    pool.acquire(gaveUp.signal).then(
      (lease) => {
        if (gaveUp.signal.aborted) return lease.release();
        forward(req, res, lease);
      },
      (error: unknown) => {
        const kind = error instanceof ColdlabError ? error.code.toLowerCase() : 'start-failed';
        fail(res, 503, kind, error instanceof Error ? error.message : String(error));
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
