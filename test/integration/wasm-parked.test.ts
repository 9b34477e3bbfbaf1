import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WasmRuntime } from '../../src/runtimes/wasm/runtime.js';
import { WasmInstance } from '../../src/runtimes/wasm/instance.js';
import type { WasmHost } from '../../src/runtimes/wasm/host.js';
import { stdioRoot } from '../../src/runtimes/wasm/artifact.js';
import { Pool } from '../../src/platform/pool.js';
import { startGateway } from '../../src/platform/gateway.js';
import { H } from '../../src/results/gatewayTags.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { Prepared } from '../../src/runtimes/types.js';

// Parked execution threads of the Wasm host, through the real runtime (host process, cgroup, worker threads,
// node:wasi): each start is handed to a thread started ahead of need, a thread serves one instance at a time and
// takes the next once its instance is stopped, with nothing of the old one, the per-instance limits still hold,
// and nothing is left after dispose. Invariants only, no timings.
const runtime = new WasmRuntime();
const runId = `wasm-parked-${process.pid}`;

async function prepare(module: string, matrix: string, timeout = '5s'): Promise<Prepared> {
  const text = `name: wasm-parked\nfunction: { wasm: fixtures/wasm/build/${module} }\nruntimes: wasm\nmatrix: ${matrix}\nphases: [{ kind: constant, rate: 5, duration: 1s }]\nrequestTimeoutMs: ${timeout}\n`;
  const loaded = parseScenarioText(text, resolve('scenario.yaml'));
  const [variant] = expandVariants(loaded.scenario, { hostCores: 2 });
  return runtime.prepare(loaded.fn, variant!, runId);
}

const hostOf = (prepared: Prepared): WasmHost => (prepared.data.wasm as { host: WasmHost }).host;
let seq = 0;
async function start(prepared: Prepared, instanceId = `p${++seq}`): Promise<WasmInstance> {
  const instance = await runtime.start(prepared, { instanceId, runId });
  if (!(instance instanceof WasmInstance)) throw new Error('not a Wasm instance');
  return instance;
}

/** CPU time (user + system, ms) a process spends over windowMs of waiting. */
async function cpuMsOver(pid: number, windowMs: number): Promise<number> {
  const ticks = async (): Promise<number> => {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = await ticks();
  await new Promise((done) => setTimeout(done, windowMs));
  // Clock ticks of 10 ms (USER_HZ 100 on Linux).
  return ((await ticks()) - before) * 10;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  await runtime.dispose(runId);
});

describe('wasm runtime: parked threads', () => {
  it('hands each start to a parked thread, parks a new one after it, reuses a stopped instance\'s thread first; dispose leaves no host or worker', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached }');
    const host = hostOf(prepared);
    const threads: number[] = [];
    const recycled: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await runtime.whenParked(prepared);
      const waiting = host.parked.map((p) => p.thread);
      const instance = await start(prepared);
      expect(instance.thread.parked).toBe(true);
      expect(waiting).toContain(instance.thread.id);
      // The thread was created with the variant's heap limit: memoryMb for the old generation, plus the young one.
      expect(instance.thread.heapLimitMb).toBeGreaterThanOrEqual(64);
      expect(instance.thread.heapLimitMb).toBeLessThanOrEqual(64 * 1.5);
      expect(instance.start.createMs).toEqual(expect.any(Number));
      // The thread serves its instance on its own port.
      expect(new URL(instance.url).port).toBe(String(instance.thread.port));
      expect((await fetch(instance.url)).status).toBe(200);
      threads.push(instance.thread.id);
      recycled.push(instance.thread.recycled);
      await instance.stop();
      expect((await instance.exited).reason).toBe('stopped');
    }
    // The thread of the stopped instance is parked again and taken first.
    expect(new Set(threads).size).toBe(1);
    expect(recycled).toEqual([false, true, true]);
    expect(prepared.notes.join('\n')).toMatch(/wasm: starts handed to a parked thread: 3 of 3; 2 on a thread a stopped instance had used/);
    const pid = host.pid!;
    expect(alive(pid)).toBe(true);
    await runtime.dispose(runId);
    // The worker threads live in the host process: it is gone, and so are their stdio folders.
    expect(alive(pid)).toBe(false);
    expect(existsSync(stdioRoot(runId))).toBe(false);
  });

  it('a thread booted for a waiting start counts as parked for the starts it serves after a stop', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached }');
    await runtime.whenParked(prepared);
    const [first, booted] = await Promise.all([start(prepared), start(prepared)]);
    expect([first.thread.parked, booted.thread.parked]).toEqual([true, false]);
    await booted.stop();
    const next = await start(prepared);
    expect(next.thread).toMatchObject({ id: booted.thread.id, parked: true, recycled: true });
    await Promise.all([first.stop(), next.stop()]);
  });

  it('a reused thread holds nothing of the instance before it: a kept instance counts its runs, the next starts from nothing', async () => {
    const prepared = await prepare('../counter.wat', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached, wasmReuse: true }');
    const answers: string[][] = [];
    const threads: number[] = [];
    for (let i = 0; i < 2; i++) {
      await runtime.whenParked(prepared);
      const instance = await start(prepared);
      threads.push(instance.thread.id);
      // The init run is the first; the two requests the second and third of the same kept instance.
      answers.push([await (await fetch(instance.url)).text(), await (await fetch(instance.url)).text()]);
      await instance.stop();
    }
    expect(threads[1]).toBe(threads[0]);
    expect(answers).toEqual([
      ['runs=2', 'runs=3'],
      ['runs=2', 'runs=3'],
    ]);
  });

  it('through the platform: the first request is cold, the next warm on the same instance', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: compile }');
    const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 60_000, provisioned: 0, startInstance: (instanceId) => runtime.start(prepared, { instanceId, runId }) });
    try {
      const first = await pool.acquire();
      expect(first.startKind).toBe('cold');
      expect((first.instance as WasmInstance).thread.parked).toBe(true);
      expect((await fetch(first.instance.url)).status).toBe(200);
      first.release();
      const second = await pool.acquire();
      expect(second.startKind).toBe('warm');
      expect(second.instance).toBe(first.instance);
      second.release();
    } finally {
      await pool.close();
    }
  });

  it('the first request rides the start: leased while the thread boots, answered once it has, its tags carrying the start', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached }');
    const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 60_000, provisioned: 0, startInstance: (instanceId, signal, onAccepting) => runtime.start(prepared, { instanceId, runId, signal, onAccepting }) });
    const gateway = await startGateway(pool);
    try {
      const answer = await fetch(gateway.url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get(H.startKind)).toBe('cold');
      const record = pool.records()[0];
      const startMs = Number(answer.headers.get(H.startMs));
      expect(startMs).toBe(Number(record?.start?.totalMs.toFixed(3)));
      // It waited for the instance until the start's end, as a request sent after the start does.
      expect(Number(answer.headers.get(H.queueUs))).toBeGreaterThanOrEqual(Math.floor(startMs * 1000) - 1);
      expect(record?.readyAtMs).toBeDefined();
      expect((await fetch(gateway.url)).headers.get(H.startKind)).toBe('warm');
    } finally {
      await gateway.close();
      await pool.close();
    }
  });

  it('a request that reaches a parked thread before any start command starts the instance there; one for an instance that ended fails at once', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached }');
    const host = hostOf(prepared);
    await runtime.whenParked(prepared);
    const parked = host.parked[0]!;
    const url = `http://127.0.0.1:${parked.port}/i/early1/`;
    // No start command yet: the request alone starts the instance on the thread.
    expect((await fetch(url)).status).toBe(200);
    const instance = await start(prepared, 'early1');
    expect(instance.thread.id).toBe(parked.thread);
    await instance.stop();
    // Stopped, its thread is parked again on the same port (said before the exit), and a late request fails.
    expect(host.parked).toContainEqual(parked);
    const late = await fetch(url);
    expect(late.status).toBe(502);
    expect(await late.text()).toMatch(/instance early1 is not running here/);
  });

  it('a stop written in the same turn as its start still finds the instance: the start goes first', async () => {
    const prepared = await prepare('hello.wasm', '{ memoryMb: 64, maxInstances: 1, wasmStart: cached }');
    const host = hostOf(prepared);
    await runtime.whenParked(prepared);
    const { ready, exited } = host.start('sameturn', host.takeParked());
    host.stop('sameturn');
    expect((await ready).thread.parked).toBe(true);
    expect((await exited).reason).toBe('stopped');
  });

  it('the heap limit, the timeout and the memory cap hold per instance on threads that were parked; the host names each cut', async () => {
    // requestTimeoutMs 500 ms: the host ends a request after 250 ms.
    const loop = await prepare('bad/loop.wasm', '{ memoryMb: 32, maxInstances: 2 }', '500ms');
    const [stuck, bystander] = [await start(loop), await start(loop)];
    expect(stuck.thread.parked && bystander.thread.parked).toBe(true);
    expect(stuck.thread.heapLimitMb).toBeLessThanOrEqual(32 * 1.5);
    // Ending the thread cuts the connection; the host says why, and the gateway answers that in its place.
    await expect(fetch(stuck.url)).rejects.toThrow();
    expect(await stuck.explainCut()).toMatchObject({ status: 504, error: 'wasm-timeout' });
    expect((await stuck.exited).reason).toBe('crashed');
    expect((await fetch(`${bystander.url}/__coldlab/health`)).status).toBe(200);
    await bystander.stop();
    // Stopped while its request runs: the thread cannot be reset, so it ends (after the host's request timeout)
    // instead of being parked again, and a new one is parked.
    await runtime.whenParked(loop);
    const busy = await start(loop);
    const cut = fetch(busy.url).then(() => 'answered', () => 'cut');
    await new Promise((done) => setTimeout(done, 50));
    await busy.stop();
    expect(await cut).toBe('cut');
    expect(await busy.explainCut()).toMatchObject({ status: 502, error: 'wasm-crashed' });
    // The looping thread is ended, not left spinning: the host's CPU time stops growing (a spinning thread adds
    // about as much CPU time as the window is long).
    const pid = hostOf(loop).pid!;
    await expect.poll(() => cpuMsOver(pid, 200), { timeout: 5_000, interval: 0 }).toBeLessThan(100);
    const next = await start(loop);
    expect(next.thread.id).not.toBe(busy.thread.id);
    await next.stop();

    const grow = await prepare('bad/grow.wasm', '{ memoryMb: 32, maxInstances: 2 }');
    const [greedy, other] = [await start(grow), await start(grow)];
    await expect(fetch(greedy.url)).rejects.toThrow();
    expect(await greedy.explainCut()).toMatchObject({ status: 500, error: 'wasm-memory-limit' });
    expect((await greedy.exited).reason).toBe('oom-killed');
    expect((await fetch(`${other.url}/__coldlab/health`)).status).toBe(200);
    await other.stop();
  });
});
