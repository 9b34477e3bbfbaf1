import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../src/load/connections.js';
import { RequestSender } from '../../src/load/httpSend.js';
import type { Outcome } from '../../src/results/recorder.js';
import { nowUs } from '../../src/util/clock.js';

// A real loopback server that answers every request after `delayMs`, counting the connections it accepted.
let connections = 0;
const server = http.createServer((request, response) => {
  const delayMs = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
  setTimeout(() => response.end('ok'), delayMs);
});
server.on('connection', () => connections++);
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function burst(pool: ConnectionPool, path: string, count: number, timeoutMs = 5_000): Promise<{ outcomes: Outcome[]; lags: number[] }> {
  const outcomes: Outcome[] = [];
  const lags: number[] = [];
  const sender = new RequestSender(new URL(path, origin), pool, timeoutMs, (o) => outcomes.push(o), (intendedUs, sentUs) => lags.push(sentUs - intendedUs));
  const now = nowUs();
  for (let i = 0; i < count; i++) sender.send(now);
  await sender.settle(timeoutMs + 2_000);
  sender.close();
  return { outcomes, lags };
}

describe('the open-loop sender’s connection pool', () => {
  it('answers every request of a burst exactly once, waiting for connections rather than opening one per request at once', async () => {
    const pool = new ConnectionPool(origin);
    const { outcomes, lags } = await burst(pool, '/?delay=20', 300);
    expect(outcomes).toHaveLength(300);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // Every request's send lag was filled in when a connection took it, and none left before it was due.
    expect(lags).toHaveLength(300);
    expect(lags.every((lag) => lag >= 0)).toBe(true);
    expect(pool.size).toBeGreaterThan(0);
    expect(pool.size).toBeLessThanOrEqual(300);
    await pool.close();
  });

  it('reuses idle keep-alive connections for the next requests', async () => {
    const pool = new ConnectionPool(origin);
    await burst(pool, '/', 20);
    const opened = pool.size;
    const before = connections;
    for (let round = 0; round < 5; round++) await burst(pool, '/', Math.min(opened, 10));
    expect(connections).toBe(before);
    expect(pool.size).toBe(opened);
    await pool.close();
  });

  it('times out a request that waited too long, once, and later requests still go through', async () => {
    const pool = new ConnectionPool(origin);
    const slow = await burst(pool, '/?delay=2000', 3, 200);
    expect(slow.outcomes.map((o) => o.errorKind)).toEqual(['timeout', 'timeout', 'timeout']);
    const fast = await burst(pool, '/', 5);
    expect(fast.outcomes.every((o) => o.ok)).toBe(true);
    await pool.close();
  });

  it('reports every request to a refused port as a connection failure, more of them than may connect at once, without crashing', async () => {
    // A port that was just free: connects are refused, each failed connect errors the requests waiting on it.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const refused = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const pool = new ConnectionPool(refused);
    const outcomes: Outcome[] = [];
    const sender = new RequestSender(new URL('/', refused), pool, 2_000, (o) => outcomes.push(o));
    for (let i = 0; i < 40; i++) sender.send(nowUs());
    await sender.settle(4_000);
    sender.close();
    expect(outcomes).toHaveLength(40);
    expect(new Set(outcomes.map((o) => o.errorKind))).toEqual(new Set(['connection']));
    await pool.close();
  });

  it('still times out a slow request once thousands of fast ones have settled behind it (the deadline queue drops settled ones)', async () => {
    // Its own server: the first request hangs, every later one is answered at once.
    let seen = 0;
    const hanging = http.createServer((_request, response) => {
      if (seen++ > 0) response.end('ok');
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const address = hanging.address();
    const url = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    const pool = new ConnectionPool(url.origin);
    const outcomes: Outcome[] = [];
    const sender = new RequestSender(url, pool, 1_500, (o) => outcomes.push(o));
    sender.send(nowUs());
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 6_000; i++) {
      sender.send(nowUs());
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await sender.settle(4_000);
    sender.close();
    expect(outcomes).toHaveLength(6_001);
    expect(outcomes.filter((o) => o.errorKind === 'timeout')).toHaveLength(1);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(6_000);
    await pool.close();
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });
});
