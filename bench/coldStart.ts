import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ProcessRuntime, BOOTSTRAP } from '../src/runtimes/process/runtime.js';
import type { Variant, FunctionSpec } from '../src/scenario/variant.js';
import { nowUs } from '../src/util/clock.js';

export interface ColdStartComparison {
  samples: number;
  bareMs: { p50: number; max: number };
  coldlabMs: { p50: number; max: number };
}

// A bare `node bootstrap.mjs` spawn, timed until its ready line: the floor coldlab's process runtime is compared to.
async function bareSpawn(fn: FunctionSpec): Promise<number> {
  const started = nowUs();
  const child = spawn(process.execPath, [BOOTSTRAP], { env: { ...process.env, COLDLAB_FN_PATH: fn.path }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => l.includes('"ready"') && resolve());
    child.once('exit', () => reject(new Error('bare node exited')));
  });
  const ms = (nowUs() - started) / 1000;
  child.kill('SIGKILL');
  return ms;
}

/** Alternates a bare spawn and a coldlab process-runtime start (cgroup included) of the same function. */
export async function benchColdStart(fn: FunctionSpec, variant: Variant, samples: number): Promise<ColdStartComparison> {
  const runtime = new ProcessRuntime();
  const runId = `bench-cold-${process.pid}`;
  const prepared = await runtime.prepare(fn, variant);
  const bare: number[] = [];
  const coldlab: number[] = [];
  for (let i = 0; i < samples; i++) {
    bare.push(await bareSpawn(fn));
    const instance = await runtime.start(prepared, { instanceId: `c${i}`, runId });
    coldlab.push(instance.start.totalMs);
    await instance.stop();
  }
  await runtime.dispose(runId);
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: s[Math.floor(s.length / 2)] ?? 0, max: s[s.length - 1] ?? 0 };
  };
  return { samples, bareMs: stats(bare), coldlabMs: stats(coldlab) };
}
