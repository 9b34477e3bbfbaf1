import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../src/load/connections.js';
import { RequestSender } from '../../src/load/httpSend.js';
import type { Outcome } from '../../src/results/recorder.js';
import { nowUs } from '../../src/util/clock.js';

// The sender's own HTTP/1.1 client (src/http1/connection.ts) against real servers answering in each framing a
// server may use: content-length, chunked, until the connection closes, `connection: close`, a 1xx first.
let connections = 0;
const server = http.createServer((request, response) => {
  switch (request.url) {
    case '/chunked':
      response.write('a');
      setTimeout(() => response.end('b'), 5);
      return;
    case '/close':
      response.setHeader('connection', 'close');
      response.end('bye');
      return;
    case '/processing':
      response.writeProcessing();
      setTimeout(() => response.end('ok'), 5);
      return;
    default:
      response.setHeader('x-coldlab-start', 'warm');
      response.end('ok');
  }
});
server.on('connection', () => connections++);
let origin = '';

// A server that answers once with no length (the body ends when it closes) or with bytes that are not HTTP.
const raw = net.createServer((socket) => {
  socket.once('data', (head: Buffer) => {
    if (head.toString('latin1').startsWith('GET /garbage')) socket.end('this is not http\r\n\r\n');
    else socket.end('HTTP/1.1 200 OK\r\nx-coldlab-start: cold\r\n\r\nuntil the end');
  });
});
let rawOrigin = '';

const listen = (s: net.Server): Promise<string> =>
  new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );

beforeAll(async () => {
  origin = await listen(server);
  rawOrigin = await listen(raw);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => raw.close(() => resolve()));
});

async function send(pool: ConnectionPool, url: string, count: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const sender = new RequestSender(new URL(url), pool, 2_000, (o) => outcomes.push(o));
  // One after another, so a connection the server closed is never handed the next request by luck of timing.
  for (let i = 0; i < count; i++) {
    sender.send(nowUs());
    await sender.settle(3_000);
  }
  sender.close();
  return outcomes;
}

describe('the sender’s wire client', () => {
  it('reads content-length, chunked and 1xx-first answers on one kept-alive connection', async () => {
    const pool = new ConnectionPool(origin);
    const before = connections;
    const outcomes = [...(await send(pool, `${origin}/`, 3)), ...(await send(pool, `${origin}/chunked`, 3)), ...(await send(pool, `${origin}/processing`, 3))];
    expect(outcomes.map((o) => o.ok)).toEqual(Array<boolean>(9).fill(true));
    expect(outcomes[0]?.tags?.startKind).toBe('warm');
    expect(connections - before).toBe(1);
    await pool.close();
  });

  it('opens a new connection after a `connection: close` answer instead of writing to a closing one', async () => {
    const pool = new ConnectionPool(origin);
    const before = connections;
    const outcomes = await send(pool, `${origin}/close`, 3);
    expect(outcomes.every((o) => o.ok && o.status === 200)).toBe(true);
    expect(connections - before).toBe(3);
    await pool.close();
  });

  it('takes a body that ends with the connection as a whole answer', async () => {
    const pool = new ConnectionPool(rawOrigin);
    const outcomes = await send(pool, `${rawOrigin}/`, 2);
    expect(outcomes.map((o) => [o.ok, o.tags?.startKind])).toEqual([
      [true, 'cold'],
      [true, 'cold'],
    ]);
    await pool.close();
  });

  it('counts an answer that is not HTTP as a connection failure', async () => {
    const pool = new ConnectionPool(rawOrigin);
    const outcomes = await send(pool, `${rawOrigin}/garbage`, 2);
    expect(outcomes.map((o) => o.errorKind)).toEqual(['connection', 'connection']);
    await pool.close();
  });
});
