import { Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { ProcessRuntime } from '../src/runtimes/process/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { startGateway } from '../src/platform/gateway.js';
import { runOpenLoop } from '../src/load/openLoop.js';
const mode = process.env.MODE ?? 'worker'; const rate = Number(process.env.RATE ?? 5000); const ms = Number(process.env.MS ?? 30000);
const runtime = new ProcessRuntime(); const runId = `w-${process.pid}`;
const fn = { path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} };
const variant = { key: 'b', id: 'b#1', repetition: 1, runtime: 'process', memoryMb: 1769, provisionedConcurrency: 1, prewarm: true, keepAliveMs: 3600000, instanceConcurrency: 256, maxInstances: 2, cpus: 1, phases: [], requestTimeoutMs: 10000 } as never;
const prepared = await runtime.prepare(fn as never, variant, runId);
const pool = new Pool({ maxInstances: 2, instanceConcurrency: 256, keepAliveMs: 3600000, provisioned: 1, startInstance: (instanceId, signal) => runtime.start(prepared, { instanceId, runId, signal }) });
await pool.startProvisioned();
const gw = await startGateway(pool);
let res: unknown;
if (mode === 'worker') {
  const w = new Worker(resolve('.scratch/wboot.mjs'), { workerData: { url: gw.url, rate, ms } });
  res = await new Promise((r) => w.once('message', r));
  await w.terminate();
} else {
  let n = 0; const lat: number[] = [];
  const run = await runOpenLoop({ kind: 'constant', rate, duration: ms }, { url: gw.url, timeoutMs: 10000, onOutcome: (o) => { n++; lat.push(o.endUs - o.intendedUs); } });
  lat.sort((a, b) => a - b);
  res = { sent: run.sent, sched: run.scheduled, lag: run.sendLag, n, p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)] };
}
console.log(mode, rate, JSON.stringify(res), 'instances', pool.instances().length);
await gw.close(); await pool.close(); await runtime.dispose(runId);
