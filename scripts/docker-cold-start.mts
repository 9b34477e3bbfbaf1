// Measures container cold starts through ContainerRuntime with prewarm on and off (real engine, real
// loopback registry). Usage: npx tsx scripts/docker-cold-start.mts [repetitions=5] [fixture=hello.mjs]
import { resolve } from 'node:path';
import { ContainerRuntime } from '../src/runtimes/container/runtime.js';
import type { Variant } from '../src/scenario/variant.js';

const reps = Number(process.argv[2] ?? 5);
const file = resolve(import.meta.dirname, '../fixtures/functions', process.argv[3] ?? 'hello.mjs');
const runtime = new ContainerRuntime();
const runId = `measure-${Date.now().toString(36)}`;
const variant = (prewarm: boolean): Variant => ({
  key: `container/mem=256/prewarm=${prewarm ? 'on' : 'off'}`, id: 'x#0', repetition: 0, runtime: 'container', memoryMb: 256,
  provisionedConcurrency: 0, prewarm, keepAliveMs: 0, instanceConcurrency: 1, maxInstances: 1, cpus: 1, phases: [], requestTimeoutMs: 10_000,
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(0));

try {
  console.log((await runtime.probe()));
  for (const prewarm of [true, false]) {
    const prepared = await runtime.prepare({ path: file, handler: 'handler', env: {} }, variant(prewarm), runId);
    const totals: number[] = [];
    for (let i = 0; i < reps; i++) {
      const instance = await runtime.start(prepared, { instanceId: `i${i}`, runId });
      const s = instance.start;
      totals.push(s.totalMs);
      console.log(`prewarm=${prewarm ? 'on ' : 'off'} #${i} total=${round(s.totalMs)} fetch=${round(s.fetchMs)} create+start=${round(s.createMs)} boot=${round(s.bootMs)} init=${round(s.initMs)} ms`);
      await instance.stop();
    }
    console.log(`prewarm=${prewarm ? 'on' : 'off'}: median totalMs ${round(median(totals))} (min ${round(Math.min(...totals))}, max ${round(Math.max(...totals))}) over ${reps}`);
  }
} finally {
  await runtime.dispose(runId);
}
