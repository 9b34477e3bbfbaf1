import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from './pool.js';
import { forward } from './upstream.js';
import { H } from './protocol.js';
import { ColdlabError } from '../util/errors.js';

export interface Gateway {
  url: string;
  close(): Promise<void>;
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

/** The platform's front door on 127.0.0.1: route each request to a warm instance or a cold start. */
export async function startGateway(pool: Pool): Promise<Gateway> {
  const server = http.createServer((req, res) => {
    // The common case, a warm instance free now, skips the promise and the abort wiring a wait needs.
    const warm = pool.tryAcquireWarm();
    if (warm) return forward(req, res, warm, fail);
    const gaveUp = new AbortController();
    res.on('close', () => gaveUp.abort());
    pool.acquire(gaveUp.signal).then(
      (lease) => {
        if (gaveUp.signal.aborted) return lease.release();
        forward(req, res, lease, fail);
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
