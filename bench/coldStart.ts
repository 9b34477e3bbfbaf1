import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ProcessRuntime, BOOTSTRAP } from '../src/runtimes/process/runtime.js';
import type { Variant, FunctionSpec } from '../src/scenario/variant.js';
import { nowUs } from '../src/util/clock.js';
import { type Stats, stats } from './stats.js';

export interface ColdStartComparison {
  samples: number;
  bareMs: Stats;
  coldlabMs: Stats;
  /** Where coldlab's start went, P50 of each step: cgroup setup and spawn (createMs), Node's boot, the function's init. */
  steps: { createMs: number; bootMs: number; initMs: number };
}

// A bare `node bootstrap.mjs` spawn, timed until its ready line: the floor coldlab's process runtime is compared to.
// It waits for the child's exit like coldlab's stop() does, so neither side starts while the other's process dies.
async function bareSpawn(fn: FunctionSpec): Promise<number> {
  const started = nowUs();
  const child = spawn(process.execPath, [BOOTSTRAP], { env: { ...process.env, COLDLAB_FN_PATH: fn.path }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => l.includes('"ready"') && resolve());
    void exited.then(() => reject(new Error('bare node exited')));
  });
  const ms = (nowUs() - started) / 1000;
  child.kill('SIGKILL');
  await exited;
  return ms;
}

/** Alternates a bare spawn and a coldlab process-runtime start (cgroup included) of the same function, in ABBA order. */
export async function benchColdStart(fn: FunctionSpec, variant: Variant, samples: number): Promise<ColdStartComparison> {
  const runtime = new ProcessRuntime();
  const runId = `bench-cold-${process.pid}`;
  const prepared = await runtime.prepare(fn, variant, runId);
  const bare: number[] = [];
  const coldlab: number[] = [];
  const create: number[] = [];
  const boot: number[] = [];
  const init: number[] = [];
  const coldlabStart = async (i: number): Promise<void> => {
    const instance = await runtime.start(prepared, { instanceId: `c${i}`, runId });
    coldlab.push(instance.start.totalMs);
    create.push(instance.start.createMs ?? NaN);
    boot.push(instance.start.bootMs ?? NaN);
    init.push(instance.start.initMs ?? NaN);
    await instance.stop();
  };
  try {
    // One discarded start of each first: page cache and first-use costs in this process.
    await bareSpawn(fn);
    await runtime.start(prepared, { instanceId: 'warmup', runId }).then((i) => i.stop());
    for (let i = 0; i < samples; i++) {
      // ABBA: neither side always goes first.
      if (i % 2 === 0) {
        bare.push(await bareSpawn(fn));
        await coldlabStart(i);
      } else {
        await coldlabStart(i);
        bare.push(await bareSpawn(fn));
      }
    }
  } finally {
    await runtime.dispose(runId);
  }
  return { samples, bareMs: stats(bare), coldlabMs: stats(coldlab), steps: { createMs: stats(create).p50, bootMs: stats(boot).p50, initMs: stats(init).p50 } };
}
