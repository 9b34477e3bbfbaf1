import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import type { Instance, InstanceExit } from '../../src/runtimes/types.js';
import { H } from '../../src/results/gatewayTags.js';
import { closeLoopback, listenLoopback } from '../helpers/loopback.js';

// The gateway's relay against a plain loopback HTTP server standing in for an instance (the runtimes have
// their own tests): bodies both ways, streamed responses, hop-by-hop headers, an instance that drops the socket.
const seen: Array<{ method: string; body: string; headers: http.IncomingHttpHeaders }> = [];
const upstream = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (c: string) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', body, headers: req.headers });
    if (req.url === '/drop') return void req.socket.destroy();
    if (req.url === '/stream') {
      // No content-length: chunked on the wire, in three writes.
      res.writeHead(200, { 'x-fn': 'stream', 'keep-alive': 'timeout=5' });
      res.write('a'.repeat(70_000));
      setTimeout(() => res.end('tail'), 20);
      return;
    }
    res.writeHead(201, { 'content-type': 'text/plain', 'x-fn': 'echo' });
    res.end(`${req.method} ${body}`);
  });
});

let gateway: Gateway;
let pool: Pool;
let exit!: (e: InstanceExit) => void;

beforeAll(async () => {
  const url = await listenLoopback(upstream);
  const instance: Instance = {
    id: 'i1',
    url,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    start: { totalMs: 12.5, initMs: 3 },
    exited: new Promise<InstanceExit>((resolve) => (exit = resolve)),
    stop: async () => exit({ reason: 'stopped' }),
  };
  pool = new Pool({ maxInstances: 1, instanceConcurrency: 4, keepAliveMs: 60_000, provisioned: 0, startInstance: async () => instance });
  gateway = await startGateway(pool);
});

afterAll(async () => {
  await gateway.close();
  await pool.close();
  await closeLoopback(upstream);
});

describe('the gateway relay', () => {
  it('passes method, body and the instance’s status and headers through, and tags the first request cold', async () => {
    const res = await request(`${gateway.url}/echo`, { method: 'POST', body: 'hello body', headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(201);
    expect(await res.body.text()).toBe('POST hello body');
    expect(res.headers['x-fn']).toBe('echo');
    expect(res.headers[H.startKind]).toBe('cold');
    expect(res.headers[H.startMs]).toBe('12.500');
    expect(seen.at(-1)?.body).toBe('hello body');
    const again = await request(`${gateway.url}/echo`);
    expect(await again.body.text()).toBe('GET ');
    expect(again.headers[H.startKind]).toBe('warm');
    expect(again.headers[H.instance]).toBe('i1');
  });

  it('streams a chunked response whole and drops the instance’s hop-by-hop headers', async () => {
    const res = await request(`${gateway.url}/stream`);
    const text = await res.body.text();
    expect(text).toHaveLength(70_004);
    expect(text.endsWith('tail')).toBe(true);
    expect(res.headers['x-fn']).toBe('stream');
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('answers 502 with a gateway error when the instance drops the connection, and frees the instance', async () => {
    const res = await request(`${gateway.url}/drop`);
    expect(res.statusCode).toBe(502);
    expect(res.headers[H.gatewayError]).toBe('upstream');
    await res.body.text();
    expect(pool.stats().busy).toBe(0);
    const after = await request(`${gateway.url}/echo`);
    expect(after.statusCode).toBe(201);
    await after.body.text();
  });
});
