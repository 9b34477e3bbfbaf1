import os from 'node:os';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { LoadedScenario } from '../scenario/load.js';
import type { RunResult } from '../results/model.js';
import { expandVariants } from '../scenario/matrix.js';
import { shardOf } from '../scenario/shard.js';
import { makeRunId } from '../lab/run.js';
import { hostInfo } from '../metrics/host.js';
import { readResults, writeResultsAtomic } from '../results/store.js';
import { writeReport } from '../report/write.js';
import { docker } from '../runtimes/container/docker.js';
import { makeBundle } from './bundle.js';
import { openCollector } from './collector.js';
import { buildRunnerImage } from './image.js';
import { jobServiceSpec } from './service.js';
import { hostNetworkId, jobTasks, removeJob, swarmFacts, TERMINAL, type TaskState } from './swarmJob.js';
import { completeShard, mergeJob } from './shardResults.js';
import { needsEngine, refuseTaskRuntimes } from './taskRuntimes.js';

/** Slots of a replicated job run 0..N−1 (checked on Docker 20.10.24; the swarm test asserts it). */
export const SLOT_BASE = 0;
const POLL_MS = 1000;

export interface SwarmRunInput {
  loaded: LoadedScenario;
  shards: number;
  maxConcurrent?: number;
  outDir: string;
  image?: string;
  collectorHost?: string;
  allowMixedHosts: boolean;
  hostCgroups?: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export interface SwarmRunOutput {
  merged: RunResult;
  resultsFile: string;
  html: string;
  interrupted: boolean;
  /** Shard index → why it did not finish. */
  failures: Map<number, string>;
  leftovers: string[];
  seconds: { image: number; job: number; merge: number };
}

const since = (t: number): number => Math.round((Date.now() - t) / 100) / 10;

/** How long a job may sit with every task finished and slots never started before coldlab stops waiting. */
const STALL_MS = 20_000;

// Each slot's state changes are told once. The job is over when every slot has a task in a final state,
// or when every task is final and the engine starts no more (a crashed task can stall a job whose
// MaxConcurrent is below its size): the slots without a task are then reported as never started.
async function waitForJob(input: SwarmRunInput, serviceId: string, progress: Map<number, string>): Promise<Map<number, TaskState>> {
  const seen = new Map<number, string>();
  let idleSince: number | undefined;
  for (;;) {
    const tasks = await jobTasks(await docker(), serviceId);
    for (const t of tasks) {
      const said = `${t.state}@${t.node}`;
      if (seen.get(t.slot) === said) continue;
      seen.set(t.slot, said);
      const shard = t.slot - SLOT_BASE + 1;
      input.log(`shard ${shard}/${input.shards} on ${t.node}: ${t.state}${t.error ? ` (${t.error})` : ''}${progress.has(shard) && t.state === 'running' ? ` — ${progress.get(shard)}` : ''}`);
    }
    const done = tasks.filter((t) => TERMINAL.has(t.state));
    const stalled = done.length === tasks.length && done.length > 0 && done.some((t) => t.state !== 'complete');
    idleSince = stalled ? (idleSince ?? Date.now()) : undefined;
    if (done.length >= input.shards || input.signal.aborted || (idleSince !== undefined && Date.now() - idleSince > STALL_MS)) {
      return new Map(tasks.map((t) => [t.slot - SLOT_BASE + 1, t]));
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Runs the scenario as one swarm job of N shards, brings every shard's results back, merges them and writes the report. */
export async function swarmRun(input: SwarmRunInput): Promise<SwarmRunOutput> {
  const all = expandVariants(input.loaded.scenario, { hostCores: os.cpus().length });
  refuseTaskRuntimes(all, 'coldlab swarm run', 'swarm');
  const d = await docker();
  const facts = await swarmFacts(d);
  const t0 = Date.now();
  const image = input.image ?? (await buildRunnerImage(d)).ref;
  const imageSeconds = since(t0);
  const runId = makeRunId(input.loaded.scenario.name);
  const dir = join(input.outDir, runId);
  await mkdir(dir, { recursive: true });
  const plan = all.map((v) => v.id);
  const progress = new Map<number, string>();
  const collector = await openCollector({
    host: input.collectorHost ?? facts.nodeAddr,
    dir: join(dir, 'shards'),
    bundle: await makeBundle(input.loaded),
    onProgress: (shard, line) => {
      progress.set(shard, line);
      input.log(`shard ${shard}/${input.shards}: ${line}`);
    },
  });
  const maxConcurrent = input.maxConcurrent ?? facts.nodes;
  const spec = jobServiceSpec({
    runId,
    image,
    shards: input.shards,
    maxConcurrent,
    ...(maxConcurrent <= facts.nodes ? { perNode: 1 } : {}),
    collector: collector.url,
    token: collector.token,
    slotBase: SLOT_BASE,
    hostNetwork: await hostNetworkId(d),
    hostCgroups: Boolean(input.hostCgroups),
    engineSocket: needsEngine(all),
  });
  const t1 = Date.now();
  let tasks = new Map<number, TaskState>();
  let leftovers: string[] = [];
  const service = (await d.createService(spec)) as { id?: string; ID?: string };
  const serviceId = service.id ?? service.ID ?? '';
  input.log(`swarm job ${spec.Name as string}: ${input.shards} shard(s), at most ${maxConcurrent} at once, image ${image}, results to ${collector.url}`);
  try {
    tasks = await waitForJob(input, serviceId, progress);
  } finally {
    leftovers = await removeJob(d, serviceId, runId);
    await collector.close();
  }
  const jobSeconds = since(t1);
  const t2 = Date.now();
  const host = await hostInfo();
  const failures = new Map<number, string>();
  const shards: RunResult[] = [];
  for (let index = 1; index <= input.shards; index++) {
    const report = collector.reports.get(index);
    const task = tasks.get(index);
    const result = report?.results ? await readResults(report.results) : undefined;
    const engineSays = task ? `task ${task.state} on ${task.node}${task.error ? `: ${task.error}` : ''}` : 'the engine started no task for this shard (after another shard\'s task failed)';
    const failure = report?.failure ?? (task?.state === 'complete' && result ? undefined : input.signal.aborted ? 'interrupted (Ctrl-C) before this shard finished' : engineSays);
    if (failure) failures.set(index, failure);
    const planned = shardOf(all, { index, count: input.shards });
    shards.push(completeShard({ index, count: input.shards, planned, ...(result ? { result } : {}), ...(failure ? { failure } : {}) }, input.loaded, plan, host, runId));
  }
  const { merged } = mergeJob(shards, runId, input.allowMixedHosts);
  if (input.signal.aborted) merged.complete = false;
  const resultsFile = join(dir, 'results.json');
  await writeResultsAtomic(resultsFile, merged);
  const { html } = await writeReport(merged, dir);
  return { merged, resultsFile, html, interrupted: input.signal.aborted, failures, leftovers, seconds: { image: imageSeconds, job: jobSeconds, merge: since(t2) } };
}
