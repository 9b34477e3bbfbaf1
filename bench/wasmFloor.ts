// The hand-written floor (bench/wasm-floor.mjs) run in a worker thread of this process, started before any
// sample, and the one timed GET both sides of the Wasm bench use.
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nowUs } from '../src/util/clock.js';
import { getHead, WireConnection } from '../src/http1/connection.js';
import { Pool } from '../src/platform/pool.js';
import { startGateway } from '../src/platform/gateway.js';
import type { Instance, InstanceExit } from '../src/runtimes/types.js';

export interface Floor {
  url: string;
  stop(): Promise<void>;
}

export async function startFloor(module: string): Promise<Floor> {
  const worker = new Worker(resolve('bench/wasm-floor.mjs'), { workerData: { module }, execArgv: ['--disable-warning=ExperimentalWarning'] });
  const { port } = await new Promise<{ port: number }>((done, fail) => worker.once('message', done).once('error', fail));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((done) => worker.once('exit', done));
    },
  };
}

/**
 * The floor behind coldlab's own gateway: a pool whose one provisioned instance is the floor's worker, so a request
 * crosses the gateway as a warm request does (client → gateway → instance → gateway → client) and then does the
 * floor's Wasm work. No sandbox, no host process, no start: the least any design with coldlab's gateway in front
 * can cost on this host, so coldlab's cold start against it is what the sandbox path adds.
 */
export async function floorBehindGateway(floor: Floor): Promise<{ url: string; close(): Promise<void> }> {
  const instance = handWrittenInstance('floor', floor.url, () => undefined);
  const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 3_600_000, provisioned: 1, startInstance: async () => instance });
  await pool.startProvisioned();
  const gateway = await startGateway(pool);
  return {
    url: gateway.url,
    close: async () => {
      await gateway.close();
      await pool.close();
    },
  };
}

/**
 * A hand-written floor as a pool's instance, so coldlab's pool and gateway can front it: no sandbox, no cgroup, no
 * start of its own; stop() calls onStop and ends it. originExited: where its origin outlives it (kept connections).
 */
export function handWrittenInstance(id: string, url: string, onStop: () => void, originExited?: Promise<unknown>): Instance {
  let stopped = (): void => undefined;
  const exited = new Promise<InstanceExit>((done) => (stopped = () => done({ reason: 'stopped' })));
  return {
    id,
    url,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    start: { totalMs: 0 },
    exited,
    ...(originExited ? { originExited } : {}),
    stop: async () => {
      onStop();
      stopped();
    },
  };
}

// Kept connections, one per origin, as a run's sender keeps its own.
const connections = new Map<string, WireConnection>();

function connection(url: URL): WireConnection {
  const kept = connections.get(url.host);
  if (kept && !kept.closed) return kept;
  const made = new WireConnection(url.hostname, Number(url.port), { onConnect: () => undefined, onClose: () => connections.delete(url.host) });
  connections.set(url.host, made);
  return made;
}

/**
 * One GET, its body read to the end: wall time in ms (this process's clock) and the answer's headers. Sent with
 * the lab's own wire client on a kept connection, as a run's sender sends (src/load/httpSend.ts), so the
 * client costs what it costs in a run: the same for the floor and coldlab, a few µs, not fetch()'s hundreds.
 */
export function timedGet(target: string, retried = false): Promise<{ ms: number; headers: Headers }> {
  const url = new URL(target);
  const wire = connection(url);
  const reused = wire.answered > 0;
  return new Promise((resolve, reject) => {
    const headers = new Headers();
    let status = 0;
    const started = nowUs();
    wire.request(getHead(url), {
      onHeaders: (code, raw) => {
        status = code;
        for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      },
      onEnd: () => {
        const ms = (nowUs() - started) / 1000;
        wire.park(Date.now());
        if (status !== 200) reject(new Error(`${target} answered ${status}`));
        else resolve({ ms, headers });
      },
      // A kept connection the server closed as the request went out: once more on a new one.
      onError: (error) => (reused && status === 0 && !retried ? timedGet(target, true).then(resolve, reject) : reject(new Error(`${target}: ${error.message}`))),
    });
  });
}

/** Closes the kept connections (at the end of a section). */
export function closeConnections(): void {
  for (const wire of connections.values()) wire.destroy();
  connections.clear();
}

/** A header's µs figure as ms. */
export const headerMs = (headers: Headers, name: string): number => Number(headers.get(name) ?? NaN) / 1000;
