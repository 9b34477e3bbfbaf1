import net from 'node:net';
import type { Pool } from './pool.js';
import { FrontConnection, type Exchange } from './front.js';
import { forward } from './upstream.js';

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

/** The platform's front door on 127.0.0.1: route each request to a warm instance or a cold start. */
export async function startGateway(pool: Pool): Promise<Gateway> {
  const route = (exchange: Exchange): void => {
    // The common case, a warm instance free now, skips the promise and the abort wiring a wait needs.
    const warm = pool.tryAcquireWarm();
    if (warm) return forward(exchange, warm);
    const gaveUp = new AbortController();
    exchange.onGone(() => gaveUp.abort());
    pool.acquire(gaveUp.signal).then(
      (lease) => {
        if (gaveUp.signal.aborted) return lease.release();
        forward(exchange, lease);
      },
      (error: unknown) => exchange.failStart(error),
    );
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new FrontConnection(socket, route);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
