import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import type { Instance, InstanceExit } from '../../src/runtimes/types.js';
import { closeLoopback, listenLoopback } from '../helpers/loopback.js';

// Instances that share an origin under their own base paths, as a Wasm host serves them (one port, /i/<id>),
// against a plain loopback HTTP server standing in for the host: requests go under the instance's path, and a
// new instance's first request rides the connection the gateway kept to the host, even with no instance alive
// in between, until the host itself is gone.
const seen: string[] = [];
let connections = 0;
const host = http.createServer((req, res) => {
  seen.push(req.url ?? '');
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
host.on('connection', () => connections++);

let gateway: Gateway;
let pool: Pool;
let hostGone!: () => void;
const hostExited = new Promise<void>((resolve) => (hostGone = resolve));

function instance(id: string, origin: string): Instance {
  let exit!: (e: InstanceExit) => void;
  return {
    id,
    url: `${origin}/i/${id}`,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    start: { totalMs: 1 },
    exited: new Promise<InstanceExit>((resolve) => (exit = resolve)),
    originExited: hostExited,
    stop: async () => exit({ reason: 'stopped' }),
  };
}

beforeAll(async () => {
  const origin = await listenLoopback(host);
  let n = 0;
  pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 0, provisioned: 0, startInstance: async () => instance(`w${++n}`, origin) });
  gateway = await startGateway(pool);
});

afterAll(async () => {
  await gateway.close();
  await pool.close();
  await closeLoopback(host);
});

describe('instances sharing an origin (a Wasm host)', () => {
  it("sends each request under its instance's base path and keeps one connection to the host across instances", async () => {
    for (const query of ['a=1', 'b=2']) {
      const answer = await request(`${gateway.url}/x?${query}`);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['x-coldlab-start']).toBe('cold');
      await answer.body.text();
      // keep-alive 0: the instance is reaped, so the next request starts another one.
      const [alive] = pool.instances();
      pool.reap();
      await alive?.exited;
    }
    expect(seen).toEqual(['/i/w1/x?a=1', '/i/w2/x?b=2']);
    expect(connections).toBe(1);
  });

  it('closes its kept connections once the host is gone', async () => {
    const open = (): Promise<number> => new Promise((resolve) => host.getConnections((_e, count) => resolve(count)));
    expect(await open()).toBe(1);
    hostGone();
    // The gateway destroys its idle connection; the server hears the close on a later turn.
    for (let tries = 0; tries < 100 && (await open()) > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await open()).toBe(0);
});
});
