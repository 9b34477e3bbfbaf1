import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import type { Instance, InstanceExit } from '../../src/runtimes/types.js';
import { H } from '../../src/results/gatewayTags.js';

// The gateway's own HTTP/1.1 server side (src/platform/front.ts) spoken to byte by byte on a raw socket, in
// front of a real loopback server standing in for an instance: pipelining, HEAD, HTTP/1.0, chunked request
// bodies, 100-continue, bodyless answers, bad requests, upgrades, and a kept connection the instance closed.
const seen: string[] = [];
const upstream = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (c: string) => (body += c));
  req.on('end', () => {
    seen.push(`${req.method} ${req.url} ${body}`);
    if (req.url === '/sized') return void res.end('sized'); // no writeHead: node:http sends a content-length
    if (req.url === '/slow') return void setTimeout(() => res.end('slow'), 60);
    if (req.url === '/empty') {
      res.writeHead(204, { 'x-fn': 'empty' });
      return void res.end();
    }
    if (req.url === '/stream') {
      res.writeHead(200);
      res.write('part1-');
      return void setTimeout(() => res.end('part2'), 10);
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body ? `got ${body}` : `hello ${req.url}`);
  });
});

// An instance that answers once per connection and then drops the next request written on it without a word,
// as a server closing an idle keep-alive connection at the moment a request goes out looks to the gateway.
let flakyRequests = 0;
const flakySockets = new Set<net.Socket>();
const flaky = net.createServer((socket) => {
  flakySockets.add(socket);
  let answered = false;
  socket.on('data', () => {
    flakyRequests++;
    if (answered) return void socket.destroy();
    answered = true;
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  });
});

function instanceAt(server: net.Server, id: string): Instance {
  const address = server.address() as net.AddressInfo;
  return {
    id,
    url: `http://127.0.0.1:${address.port}`,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    start: { totalMs: 1 },
    exited: new Promise<InstanceExit>(() => undefined),
    stop: async () => undefined,
  };
}

/** Writes `bytes` on a new connection and collects what comes back until `done` says so or the gateway closes. */
function talk(gateway: Gateway, bytes: string | string[], done: (text: string) => boolean = () => false): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no complete answer; got: ${JSON.stringify(text)}`)), 5_000);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      if (done(text)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', reject);
    const parts = Array.isArray(bytes) ? bytes : [bytes];
    parts.forEach((part, i) => setTimeout(() => socket.write(part), i * 30));
  });
}

const count = (text: string, what: string): number => text.split(what).length - 1;

let gateway: Gateway;
let pool: Pool;
let flakyGateway: Gateway;
let flakyPool: Pool;
let slowGateway: Gateway;
let slowPool: Pool;
let slowStarts = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  const instance = instanceAt(upstream, 'i1');
  pool = new Pool({ maxInstances: 1, instanceConcurrency: 8, keepAliveMs: 60_000, provisioned: 0, startInstance: async () => instance });
  gateway = await startGateway(pool);
  const flakyInstance = instanceAt(flaky, 'f1');
  flakyPool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 60_000, provisioned: 0, startInstance: async () => flakyInstance });
  flakyGateway = await startGateway(flakyPool);
  // Cold starts that take 150 ms, for a client that gives up while its request waits for one.
  slowPool = new Pool({
    maxInstances: 1,
    instanceConcurrency: 1,
    keepAliveMs: 60_000,
    provisioned: 0,
    startInstance: async () => {
      slowStarts++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return instanceAt(upstream, 's1');
    },
  });
  slowGateway = await startGateway(slowPool);
});

afterAll(async () => {
  await gateway.close();
  await flakyGateway.close();
  await slowGateway.close();
  await slowPool.close();
  await pool.close();
  await flakyPool.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  for (const socket of flakySockets) socket.destroy();
  await new Promise<void>((resolve) => flaky.close(() => resolve()));
});

describe('the gateway’s HTTP/1.1 server side', () => {
  it('answers pipelined requests in the order they came, even when the later one is ready first', async () => {
    const { text } = await talk(gateway, 'GET /slow HTTP/1.1\r\nhost: x\r\n\r\nGET /fast HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.includes('hello /fast'));
    expect(text.indexOf('slow')).toBeLessThan(text.indexOf('hello /fast'));
    expect(count(text, 'HTTP/1.1 200')).toBe(2);
    expect(count(text, `${H.startKind}: `)).toBe(2);
  });

  it('answers HEAD with no body, and keeps the connection for the next request', async () => {
    const { text } = await talk(gateway, 'HEAD /h HTTP/1.1\r\nhost: x\r\n\r\nGET /after HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.includes('hello /after'));
    const end = text.indexOf('\r\n\r\n') + 4;
    expect(text.slice(0, end)).not.toMatch(/transfer-encoding/i);
    expect(text.slice(end).startsWith('HTTP/1.1 200')).toBe(true);
    expect(seen).toContain('HEAD /h ');
  });

  it('gives an HTTP/1.0 client its body without chunks, delimited by the close', async () => {
    const { text, closed } = await talk(gateway, 'GET /stream HTTP/1.0\r\n\r\n');
    expect(closed).toBe(true);
    expect(text).toMatch(/connection: close/i);
    expect(text).not.toMatch(/transfer-encoding/i);
    expect(text.endsWith('\r\n\r\npart1-part2')).toBe(true);
    // Sent on as HTTP/1.1, with the host the client (as 1.0 may) left out.
    expect(seen).toContain('GET /stream ');
  });

  it('keeps an HTTP/1.0 client’s connection when it asked to, and tells it so', async () => {
    const { text, closed } = await talk(gateway, 'GET /sized HTTP/1.0\r\nconnection: keep-alive\r\n\r\nGET /sized HTTP/1.0\r\nconnection: keep-alive\r\n\r\n', (t) => count(t, 'sized') === 2);
    expect(closed).toBe(false);
    expect(count(text, 'connection: keep-alive')).toBe(2);
    expect(text).not.toMatch(/transfer-encoding/i);
  });

  it('streams a chunked request body to the instance, answering 100-continue first', async () => {
    const { text } = await talk(
      gateway,
      ['POST /up HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nexpect: 100-continue\r\n\r\n', '5\r\nhello\r\n', '6\r\n world\r\n0\r\n\r\n'],
      (t) => t.includes('got hello world'),
    );
    expect(text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true);
    expect(seen).toContain('POST /up hello world');
  });

  it('relays a 204 without inventing a body, and the connection stays usable', async () => {
    const { text } = await talk(gateway, 'GET /empty HTTP/1.1\r\nhost: x\r\n\r\nGET /next HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.includes('hello /next'));
    const first = text.slice(0, text.indexOf('\r\n\r\n'));
    expect(first).toMatch(/^HTTP\/1.1 204/);
    expect(first).toMatch(/x-fn: empty/);
    expect(first).not.toMatch(/transfer-encoding/i);
  });

  it('answers 400 to bytes that are not HTTP and closes, and 501 to a protocol upgrade', async () => {
    const bad = await talk(gateway, 'NOT HTTP AT ALL\r\n\r\n');
    expect(bad.text.startsWith('HTTP/1.1 400')).toBe(true);
    expect(bad.closed).toBe(true);
    const upgrade = await talk(gateway, 'GET /ws HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n');
    expect(upgrade.text.startsWith('HTTP/1.1 501')).toBe(true);
    expect(upgrade.text).toMatch(new RegExp(`${H.gatewayError}: upgrade`));
    expect(upgrade.closed).toBe(true);
  });

  it('ends the connection after a request that asked for it', async () => {
    const { text, closed } = await talk(gateway, 'GET /bye HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(closed).toBe(true);
    expect(text).toMatch(/connection: close/i);
    // The instance answered in chunks (node:http does after writeHead), so the body is a chunk and the last chunk.
    expect(text.endsWith('\r\n\r\na\r\nhello /bye\r\n0\r\n\r\n')).toBe(true);
    expect(pool.stats().busy).toBe(0);
  });

  it('lets go of a request whose client left while it waited for a cold start', async () => {
    const socket = net.connect(Number(new URL(slowGateway.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /gone HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slowStarts).toBe(1);
    expect(slowPool.stats().busy).toBe(0);
    expect(seen).not.toContain('GET /gone ');
    const after = await talk(slowGateway, 'GET /later HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.includes('hello /later'));
    expect(after.text).toMatch(new RegExp(`${H.startKind}: warm`));
  });

  it('sends a GET again on a new connection when the kept one it went out on is dropped unanswered', async () => {
    const first = await talk(flakyGateway, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.endsWith('ok'));
    expect(first.text).toMatch(/^HTTP\/1.1 200/);
    const second = await talk(flakyGateway, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', (t) => t.endsWith('ok'));
    expect(second.text).toMatch(/^HTTP\/1.1 200/);
    // Answered once, dropped once on the kept connection, answered on a new one.
    expect(flakyRequests).toBe(3);
    expect(flakyPool.stats().busy).toBe(0);
  });
});
