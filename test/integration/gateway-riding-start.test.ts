import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import type { Instance, InstanceExit, StartBreakdown } from '../../src/runtimes/types.js';
import { H } from '../../src/results/gatewayTags.js';
import { ColdlabError } from '../../src/util/errors.js';
import { closeLoopback, listenLoopback } from '../helpers/loopback.js';

// A request that rides its instance's start (StartContext.onAccepting), through the real gateway and pool,
// against a plain loopback HTTP server standing in for an instance that takes requests while it starts (the
// Wasm runtime's own test drives the real one): its answer waits for the start's end, and a start that fails
// is answered by the gateway, not by whatever the instance said.
let answerNow: () => void = () => undefined;
const upstream = http.createServer((_req, res) => {
  // The stand-in answers at once, before the start is over: the gateway must hold the answer.
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('early');
  answerNow();
});

let gateway: Gateway;
let pool: Pool;
let starts: Array<{ resolve(): void; reject(error: Error): void }> = [];

function standIn(url: string, id: string): { instance: Instance; started(start: StartBreakdown): void } {
  let exit!: (e: InstanceExit) => void;
  let start: StartBreakdown | undefined;
  const instance: Instance = {
    id,
    url,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    get start(): StartBreakdown {
      if (!start) throw new Error('start read before it was known');
      return start;
    },
    exited: new Promise<InstanceExit>((resolve) => (exit = resolve)),
    stop: async () => exit({ reason: 'stopped' }),
  };
  return { instance, started: (s) => (start = s) };
}

beforeAll(async () => {
  const url = await listenLoopback(upstream);
  pool = new Pool({
    maxInstances: 1,
    instanceConcurrency: 1,
    keepAliveMs: 0,
    provisioned: 0,
    startInstance: (id, _signal, onAccepting) => {
      const made = standIn(url, id);
      onAccepting(made.instance);
      return new Promise<Instance>((resolve, reject) =>
        starts.push({
          resolve: () => {
            made.started({ totalMs: 42.5, initMs: 40 });
            resolve(made.instance);
          },
          reject,
        }),
      );
    },
  });
  gateway = await startGateway(pool);
});

afterAll(async () => {
  await gateway.close();
  await pool.close();
  await closeLoopback(upstream);
});

describe('a request riding its instance\'s start (stand-in instance: a loopback HTTP server)', () => {
  it('goes to the instance at once, and its answer is relayed once the start is over, tagged with it', async () => {
    const answered = new Promise<void>((resolve) => (answerNow = resolve));
    const response = fetch(gateway.url);
    // The instance has answered; the start is not over yet.
    await answered;
    await new Promise((done) => setTimeout(done, 50));
    let settled = false;
    void response.then(() => (settled = true));
    await new Promise((done) => setImmediate(done));
    expect(settled).toBe(false);
    starts.shift()?.resolve();
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('early');
    expect(answer.headers.get(H.startKind)).toBe('cold');
    expect(answer.headers.get(H.startMs)).toBe('42.500');
    expect(pool.records()[0]?.readyAtMs).toBeDefined();
    pool.reap();
  });

  it('a start that fails: the gateway answers 503 with the start\'s error, not the instance\'s answer', async () => {
    starts = [];
    const answered = new Promise<void>((resolve) => (answerNow = resolve));
    const response = fetch(gateway.url);
    await answered;
    starts.shift()?.reject(new ColdlabError('WASM_NO_START', 'module x.wasm: exports no _start function', 'build it as a command'));
    const answer = await response;
    expect(answer.status).toBe(503);
    expect(answer.headers.get(H.gatewayError)).toBe('wasm_no_start');
    expect(await answer.text()).toMatch(/exports no _start/);
    expect(pool.records().at(-1)?.stopReason).toBe('start-failed');
  });
});
