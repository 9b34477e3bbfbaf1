// Measures container cold starts through ContainerRuntime (real engine, real loopback registry), with
// prewarm on and off and each OCI runtime given, repetitions interleaved so drift hits every cell alike.
// Usage: npx tsx scripts/docker-cold-start.mts [repetitions=5] [fixture=hello.mjs] [ociRuntimes=default]
//   e.g. npx tsx scripts/docker-cold-start.mts 7 hello.mjs runc,crun
import { resolve } from 'node:path';
import { ContainerRuntime } from '../src/runtimes/container/runtime.js';
import type { Prepared } from '../src/runtimes/types.js';
import type { Variant } from '../src/scenario/variant.js';

const reps = Number(process.argv[2] ?? 5);
const file = resolve(import.meta.dirname, '../fixtures/functions', process.argv[3] ?? 'hello.mjs');
const ocis = (process.argv[4] ?? '').split(',').filter(Boolean);
const runtime = new ContainerRuntime();
const runId = `measure-${Date.now().toString(36)}`;
const variant = (prewarm: boolean): Variant => ({
  key: `container/mem=256/prewarm=${prewarm ? 'on' : 'off'}`, id: 'x#0', repetition: 0, runtime: 'container', memoryMb: 256,
  provisionedConcurrency: 0, prewarm, keepAliveMs: 0, instanceConcurrency: 1, maxInstances: 1, cpus: 1, phases: [], requestTimeoutMs: 10_000,
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(0));

interface Cell { name: string; prepared: Prepared; totals: number[]; fetches: number[] }

try {
  console.log((await runtime.probe()));
  const cells: Cell[] = [];
  for (const prewarm of [true, false]) {
    const prepared = await runtime.prepare({ path: file, handler: 'handler', env: {} }, variant(prewarm), runId);
    for (const oci of ocis.length ? ocis : ['']) {
      const name = `prewarm=${prewarm ? 'on ' : 'off'}${oci ? ` oci=${oci}` : ''}`;
      cells.push({ name, prepared: { ...prepared, data: { ...prepared.data, ...(oci ? { ociRuntime: oci } : {}) } }, totals: [], fetches: [] });
    }
  }
  for (let i = 0; i < reps; i++) {
    for (const cell of cells) {
      const instance = await runtime.start(cell.prepared, { instanceId: `i${i}`, runId });
      const s = instance.start;
      cell.totals.push(s.totalMs);
      if (s.fetchMs !== undefined) cell.fetches.push(s.fetchMs);
      console.log(`${cell.name} #${i} total=${round(s.totalMs)} fetch=${round(s.fetchMs)} create+start=${round(s.createMs)} boot=${round(s.bootMs)} init=${round(s.initMs)} ms`);
      await instance.stop();
    }
  }
  for (const { name, totals, fetches } of cells) {
    const fetch = fetches.length ? `, median fetchMs ${round(median(fetches))}` : '';
    console.log(`${name}: median totalMs ${round(median(totals))} (min ${round(Math.min(...totals))}, max ${round(Math.max(...totals))})${fetch} over ${reps}`);
  }
} finally {
  await runtime.dispose(runId);
}
