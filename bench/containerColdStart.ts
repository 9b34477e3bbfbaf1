// Container cold start through coldlab (ContainerRuntime.start of a new instance, prewarm on) against two
// baselines started from the same create options, alternating samples in one run: the same create + start
// posted straight to the Engine API (coldlab's own overhead is measured against this one), and a raw
// `docker run -d` through the CLI (what a hand-written script pays); then coldlab's cold start per OCI
// runtime (runc, crun, gVisor's runsc) when the engine has runc and another. Everything created is removed in the end.
import type { Prepared, StartContext } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import { ContainerRuntime, listOciRuntimes } from '../src/runtimes/container/runtime.js';
import { CONTAINER_PORT, createOptions } from '../src/runtimes/container/createOptions.js';
import { docker } from '../src/runtimes/container/docker.js';
import { chosenOciRuntime } from '../src/runtimes/container/ociRuntimes.js';
import { readData } from '../src/runtimes/container/prepare.js';
import { functionEnv } from '../src/runtimes/container/start.js';
import { nowUs } from '../src/util/clock.js';
import { apiColdStart, removeApi } from './apiDocker.js';
import { cliDefaultOciRuntime, rawColdStart, removeRaw } from './rawDocker.js';
import { type Stats, stats } from './stats.js';
import { benchOciRuntimes, type OciColdStart } from './ociColdStart.js';

export interface ContainerColdStart {
  samples: number;
  image: string;
  /** OCI runtime both sides used: the variant's (COLDLAB_OCI_RUNTIME) or the engine default. */
  ociRuntime: string;
  /** Raw: `docker run -d` spawned → health answered; runMs: until `docker run -d` returned. */
  raw: { totalMs: Stats; runMs: Stats };
  /** Engine API: createContainer called → health answered; createMs: until start returned. */
  api: { totalMs: Stats; createMs: Stats };
  /** coldlab: runtime.start() called → resolved (wall); reportedMs: the instance's own start.totalMs. */
  coldlab: { wallMs: Stats; reportedMs: Stats };
  /** coldlab cold start per OCI runtime; empty unless the engine has runc and at least one of crun, runsc. */
  perOci: OciColdStart[];
}

export type ContainerBench = { skipped: string } | ContainerColdStart;

/** Thrown after Ctrl-C, once everything the bench created is removed. */
export class BenchInterrupted extends Error {}

const PER_OCI = ['runc', 'crun', 'runsc'];
/** Every order of the three sides (raw CLI, engine API, coldlab). */
const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]] as const;

async function coldlabSample(runtime: ContainerRuntime, prepared: Prepared, ctx: StartContext): Promise<{ wallMs: number; reportedMs: number }> {
  const started = nowUs();
  const instance = await runtime.start(prepared, ctx);
  const wallMs = (nowUs() - started) / 1000;
  await instance.stop();
  return { wallMs, reportedMs: instance.start.totalMs };
}

/** The create options start.ts would send for this instance: both baselines are started from exactly these. */
export function rawOptions(prepared: Prepared, ctx: StartContext): ReturnType<typeof createOptions> {
  const data = readData(prepared.data);
  const { variant } = prepared;
  const env = functionEnv(prepared, ctx, data.fnPath);
  return createOptions({ image: data.image, containerPort: CONTAINER_PORT, env, runId: ctx.runId, instanceId: ctx.instanceId, memoryMb: variant.memoryMb, cpus: variant.cpus, ociRuntime: chosenOciRuntime(prepared.data) });
}

export async function benchContainerColdStart(fn: FunctionSpec, base: Variant, samples: number): Promise<ContainerBench> {
  const runtime = new ContainerRuntime();
  const probe = await runtime.probe();
  if (!probe.usable) return { skipped: `${probe.reason} — ${probe.fix}` };
  const engineDefault = await cliDefaultOciRuntime();
  if (engineDefault === undefined) return { skipped: 'the engine answers coldlab but not the `docker` CLI (the raw baseline needs it on PATH, with the same DOCKER_HOST)' };

  const runId = `bench-container-${process.pid}`;
  const variant: Variant = { ...base, key: 'bench/container', id: 'bench/container#1', runtime: 'container', prewarm: true };
  const rawNames = new Set<string>();
  const apiNames = new Set<string>();
  const d = await docker();
  const abort = new AbortController();
  // Kept until cleanup is done: a terminal's Ctrl-C reaches this process twice (directly and relayed by tsx),
  // and a second, default SIGINT would kill it halfway through removing containers.
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  const ctx = (instanceId: string): StartContext => ({ instanceId, runId, signal: abort.signal });
  const check = (): void => {
    if (abort.signal.aborted) throw new BenchInterrupted('container cold-start bench interrupted');
  };
  try {
    const prepared = await runtime.prepare(fn, variant, runId);
    const raw = async (instanceId: string): Promise<{ totalMs: number; runMs: number }> => {
      const options = rawOptions(prepared, ctx(instanceId));
      // Tracked by name before `docker run`, so an interrupted or failed start is still removed in the end.
      if (options.name) rawNames.add(options.name);
      const started = await rawColdStart(options, CONTAINER_PORT, abort.signal);
      await removeRaw([started.id]);
      if (options.name) rawNames.delete(options.name);
      return started;
    };
    const api = async (instanceId: string): Promise<{ totalMs: number; createMs: number }> => {
      const options = rawOptions(prepared, ctx(instanceId));
      if (options.name) apiNames.add(options.name);
      const started = await apiColdStart(d, options, CONTAINER_PORT, abort.signal);
      await removeApi(d, [started.id]);
      if (options.name) apiNames.delete(options.name);
      return started;
    };
    // One discarded start of each side first: page cache, first-use costs in the engine and in this process.
    await raw('raw-warmup');
    await api('api-warmup');
    await coldlabSample(runtime, prepared, ctx('warmup'));
    const rawTotal: number[] = [];
    const rawRun: number[] = [];
    const apiTotal: number[] = [];
    const apiCreate: number[] = [];
    const wall: number[] = [];
    const reported: number[] = [];
    for (let i = 0; i < samples; i++) {
      const sides = [async () => {
        const r = await raw(`raw${i}`);
        rawTotal.push(r.totalMs);
        rawRun.push(r.runMs);
      }, async () => {
        const a = await api(`api${i}`);
        apiTotal.push(a.totalMs);
        apiCreate.push(a.createMs);
      }, async () => {
        const c = await coldlabSample(runtime, prepared, ctx(`c${i}`));
        wall.push(c.wallMs);
        reported.push(c.reportedMs);
      }];
      // Cycle through all six orders, so no side always goes first or always follows the same side's teardown.
      for (const k of ORDERS[i % ORDERS.length] ?? [0, 1, 2]) {
        check();
        await sides[k]?.();
      }
    }

    const available = await listOciRuntimes();
    const names = PER_OCI.filter((n) => available.includes(n));
    const perOci = names.includes('runc') && names.length > 1 ? await benchOciRuntimes(runtime, prepared, names, samples, ctx, check) : [];
    return {
      samples,
      image: readData(prepared.data).image,
      ociRuntime: chosenOciRuntime(prepared.data) ?? engineDefault,
      raw: { totalMs: stats(rawTotal), runMs: stats(rawRun) },
      api: { totalMs: stats(apiTotal), createMs: stats(apiCreate) },
      coldlab: { wallMs: stats(wall), reportedMs: stats(reported) },
      perOci,
    };
  } catch (error) {
    throw abort.signal.aborted ? new BenchInterrupted('container cold-start bench interrupted', { cause: error }) : error;
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
