// `npm run bench -- gvisor`: gVisor's (runsc) container cold start through coldlab against its floor, the same
// container started by hand (`docker run -d --runtime=runsc` of the same image and create options, then polling
// the health route as coldlab does), and the same pair for runc; the six sides (by hand, engine API, coldlab, for each) alternate, rotating their order,
// in one run. Then what a runsc sandbox costs in memory beside runc's. Everything is removed in the end, also after Ctrl-C.
import type { Prepared, StartContext } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import { ContainerRuntime, listOciRuntimes } from '../src/runtimes/container/runtime.js';
import type { ContainerInstance } from '../src/runtimes/container/instance.js';
import { CONTAINER_PORT } from '../src/runtimes/container/createOptions.js';
import { freePort } from '../src/util/processes.js';
import { nowUs } from '../src/util/clock.js';
import { BenchInterrupted, rawOptions } from './containerColdStart.js';
import { memoryMiB } from './ociColdStart.js';
import { rawColdStart, removeRaw } from './rawDocker.js';
import { apiColdStart, removeApi } from './apiDocker.js';
import { docker } from '../src/runtimes/container/docker.js';
import { sandboxProcesses } from './sandboxMemory.js';
import { pairedRatio, type Stats, stats } from './stats.js';

export const GVISOR_RUNTIMES = ['runsc', 'runc'] as const;
type Oci = (typeof GVISOR_RUNTIMES)[number];

export interface GvisorSide {
  /** By hand: `docker run -d` spawned → health 200. */
  byHandMs: Stats;
  /** The same create options posted straight to the engine API (create, start, inspect, poll): coldlab's own overhead is measured against this. */
  apiMs: Stats;
  /** coldlab: runtime.start() called → resolved. */
  coldlabMs: Stats;
  /** P50 of the per-round ratios coldlab / by hand and coldlab / engine API. */
  pairedByHand: number;
  pairedApi: number;
  /** coldlab's steps, P50: the engine's create and start calls, then the bootstrap's boot. */
  createMs: Stats;
  startMs: Stats;
  bootMs: Stats;
  /** The container's cgroup memory once it answered (MiB). */
  cgroupMiB: Stats;
  /** Private memory (USS) and RSS of every process under the container's shim once it answered (MiB): the shim, the OCI runtime's own processes (runsc: Sentry, gofer, stubs) and Node. */
  treeUssMiB: Stats;
  treeRssMiB: Stats;
  treeProcesses: string[];
}

export type GvisorBench = { skipped: string } | { samples: number; image: string; sandbox: Record<string, string>; sides: Record<Oci, GvisorSide> };

interface Samples {
  byHand: number[];
  api: number[];
  coldlab: number[];
  create: number[];
  start: number[];
  boot: number[];
  cgroup: number[];
  uss: number[];
  rss: number[];
  names: Set<string>;
}

const empty = (): Samples => ({ byHand: [], api: [], coldlab: [], create: [], start: [], boot: [], cgroup: [], uss: [], rss: [], names: new Set() });

export async function benchGvisorColdStart(fn: FunctionSpec, base: Variant, samples: number): Promise<GvisorBench> {
  const runtime = new ContainerRuntime();
  const probe = await runtime.probe();
  if (!probe.usable) return { skipped: `${probe.reason} — ${probe.fix}` };
  const available = await listOciRuntimes();
  const missing = GVISOR_RUNTIMES.filter((n) => !available.includes(n));
  if (missing.length > 0) return { skipped: `the engine lacks ${missing.join(', ')} (bash scripts/setup-docker.sh registers runsc)` };
  const runId = `bench-gvisor-${process.pid}`;
  const variant: Variant = { ...base, key: 'bench/gvisor', id: 'bench/gvisor#1', runtime: 'container', prewarm: true };
  const abort = new AbortController();
  // Kept until cleanup is done: a second, default SIGINT would kill the bench halfway through removing containers.
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  const ctx = (instanceId: string): StartContext => ({ instanceId, runId, signal: abort.signal });
  const check = (): void => {
    if (abort.signal.aborted) throw new BenchInterrupted('gVisor cold-start bench interrupted');
  };
  const rawNames = new Set<string>();
  const apiNames = new Set<string>();
  const d = await docker();
  try {
    const prepared = {} as Record<Oci, Prepared>;
    for (const oci of GVISOR_RUNTIMES) prepared[oci] = await runtime.prepare(fn, { ...variant, ociRuntime: oci }, runId);
    const byHand = async (oci: Oci, instanceId: string): Promise<number> => {
      const options = rawOptions(prepared[oci], ctx(instanceId));
      if (options.name) rawNames.add(options.name);
      // A script that picks its port (`-p 127.0.0.1:PORT:8080`) needs no `docker port` call: the tighter floor.
      const started = await rawColdStart(options, CONTAINER_PORT, abort.signal, await freePort());
      await removeRaw([started.id]);
      if (options.name) rawNames.delete(options.name);
      return started.totalMs;
    };
    const api = async (oci: Oci, instanceId: string): Promise<number> => {
      const options = rawOptions(prepared[oci], ctx(instanceId));
      if (options.name) apiNames.add(options.name);
      const started = await apiColdStart(d, options, CONTAINER_PORT, abort.signal);
      await removeApi(d, [started.id]);
      if (options.name) apiNames.delete(options.name);
      return started.totalMs;
    };
    const coldlab = async (oci: Oci, instanceId: string, into: Samples): Promise<void> => {
      const started = nowUs();
      const instance = (await runtime.start(prepared[oci], ctx(instanceId))) as ContainerInstance;
      into.coldlab.push((nowUs() - started) / 1000);
      into.create.push(instance.start.createMs ?? NaN);
      into.start.push(instance.start.startMs ?? NaN);
      into.boot.push(instance.start.bootMs ?? NaN);
      into.cgroup.push(await memoryMiB(instance));
      const own = await sandboxProcesses(instance.containerId);
      into.uss.push(own.ussMiB);
      into.rss.push(own.rssMiB);
      for (const name of own.names) into.names.add(name);
      await instance.stop();
    };
    // One discarded start of each side: the first start of a runtime pays for loading its binaries.
    for (const oci of GVISOR_RUNTIMES) {
      await byHand(oci, `${oci}-hand-warmup`);
      await api(oci, `${oci}-api-warmup`);
      await coldlab(oci, `${oci}-warmup`, empty());
    }
    const out: Record<Oci, Samples> = { runsc: empty(), runc: empty() };
    const sides = GVISOR_RUNTIMES.flatMap((oci) => [
      async (i: number) => void out[oci].byHand.push(await byHand(oci, `${oci}-hand${i}`)),
      async (i: number) => void out[oci].api.push(await api(oci, `${oci}-api${i}`)),
      async (i: number) => coldlab(oci, `${oci}${i}`, out[oci]),
    ]);
    for (let i = 0; i < samples; i++) {
      // Rotate the order, and reverse it every other round, so no side always follows the same side's teardown.
      const order = sides.map((_, k) => sides[(i + k) % sides.length]);
      for (const side of i % 2 === 0 ? order : order.reverse()) {
        check();
        await side?.(i);
      }
    }
    const side = (s: Samples): GvisorSide => ({ byHandMs: stats(s.byHand), apiMs: stats(s.api), coldlabMs: stats(s.coldlab), pairedByHand: pairedRatio(s.coldlab, s.byHand), pairedApi: pairedRatio(s.coldlab, s.api), createMs: stats(s.create), startMs: stats(s.start), bootMs: stats(s.boot), cgroupMiB: stats(s.cgroup), treeUssMiB: stats(s.uss), treeRssMiB: stats(s.rss), treeProcesses: [...s.names].sort() });
    return { samples, image: rawOptions(prepared.runsc, ctx('name')).Image ?? '?', sandbox: prepared.runsc.sandbox ?? {}, sides: { runsc: side(out.runsc), runc: side(out.runc) } };
  } catch (error) {
    throw abort.signal.aborted ? new BenchInterrupted('gVisor cold-start bench interrupted', { cause: error }) : error;
  } finally {
    try {
      await removeRaw(rawNames);
      await removeApi(d, apiNames);
      await runtime.dispose(runId);
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
