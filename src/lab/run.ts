import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { LoadedScenario } from '../scenario/load.js';
import type { Variant } from '../scenario/variant.js';
import type { HostInfo, RunResult, ShardInfo, VariantResult } from '../results/model.js';
import type { FunctionSpec } from '../scenario/variant.js';
import type { Threshold } from '../scenario/thresholdExpression.js';
import { evaluateThresholds, toSpecs } from '../gate/thresholds.js';
import type { Runtime } from '../runtimes/types.js';
import { SCHEMA_VERSION } from '../results/model.js';
import { getRuntime } from '../runtimes/registry.js';
import { writeResultsAtomic } from '../results/store.js';
import { runVariant, type VariantEvents } from './variant.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { resolvePrices, type Prices, type PricesOverride } from '../scenario/prices.js';
import { eventBusFor } from './events.js';
import type { EventBus } from '../events/bus.js';

export interface RunOptions {
  loaded: LoadedScenario;
  variants: Variant[];
  host: HostInfo;
  /** Folder that receives <runId>/results.json. */
  outDir: string;
  signal: AbortSignal;
  /** Prices over the scenario's cost: section (`--prices FILE`). */
  pricesOverride?: PricesOverride;
  /** This run is one shard of a bigger one (`--shard i/n`). */
  shard?: ShardInfo;
  events?: RunEvents;
}

/** What a run tells as it goes: the variant's own events, plus the run's. */
export type RunEvents = VariantEvents & {
  variantStarted?(v: Variant, index: number, total: number): void;
  /** A variant ended; `prices` are its run's (for costs shown live). */
  variantFinished?(r: VariantResult, prices: Prices): void;
  /** What the start-of-run sweep removed: leftovers of an earlier coldlab that crashed or was killed. */
  leftoversRemoved?(runtime: string, removed: string[]): void;
};

export interface RunOutput {
  result: RunResult;
  dir: string;
  resultsFile: string;
}

export function makeRunId(scenarioName: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'run';
  return `${slug}-${stamp}`;
}

/** A results file being filled: the run it describes, where it goes, and the function its variants run. */
export interface RunSink {
  result: RunResult;
  file: string;
  fn: FunctionSpec;
  thresholds: readonly Threshold[];
}

export function newRunResult(runId: string, loaded: LoadedScenario, host: HostInfo, pricesOverride?: PricesOverride): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldlab', version: VERSION },
    runId,
    scenario: { name: loaded.scenario.name, file: loaded.file, ...(loaded.scenario.description ? { description: loaded.scenario.description } : {}) },
    startedAt: new Date().toISOString(),
    complete: false,
    host,
    prices: resolvePrices(loaded.scenario.cost, pricesOverride),
    advice: loaded.scenario.advice,
    variants: [],
    ...(loaded.thresholds.length > 0 ? { thresholds: toSpecs(loaded.thresholds) } : {}),
  };
}

/**
 * Runs each (variant, results file) in the order given, writing that file after every variant so an
 * interrupted run keeps what it gathered; always disposes every runtime it used, whatever happens.
 * Thresholds are judged at the end, on what was gathered.
 */
export async function runEntries(entries: ReadonlyArray<{ variant: Variant; sink: RunSink }>, options: Pick<RunOptions, 'signal' | 'events'> & { runId: string }): Promise<void> {
  const { signal } = options;
  const sinks = [...new Set(entries.map((e) => e.sink))];
  const used = new Map<string, Runtime>();
  let eventBus: EventBus | undefined;
  try {
    eventBus = await eventBusFor(entries.map((e) => e.variant), options.runId, options.events?.leftoversRemoved);
    for (const [index, { variant, sink }] of entries.entries()) {
      if (signal.aborted) break;
      const runtime = await getRuntime(variant.runtime);
      const firstUse = !used.has(variant.runtime);
      used.set(variant.runtime, runtime);
      const probe = await runtime.probe();
      if (!probe.usable) {
        throw new ColdlabError('RUNTIME_UNAVAILABLE', `runtime "${variant.runtime}" is not usable here: ${probe.reason}`, probe.fix, EXIT.runtimeUnavailable);
      }
      if (probe.facts) sink.result.runtimes = { ...sink.result.runtimes, [variant.runtime]: probe.facts };
      // After a crash or kill -9 of coldlab, its containers and cgroups go at the next run (a live run's stay).
      if (firstUse && runtime.cleanupLeftovers) {
        const removed = await runtime.cleanupLeftovers();
        if (removed.length > 0) options.events?.leftoversRemoved?.(variant.runtime, removed);
      }
      options.events?.variantStarted?.(variant, index, entries.length);
      const variantResult = await runVariant({ runtime, fn: sink.fn, variant, runId: options.runId, signal, ...(options.events ? { events: options.events } : {}), ...(eventBus ? { eventBus, variantIndex: index } : {}) });
      sink.result.variants.push(variantResult);
      options.events?.variantFinished?.(variantResult, sink.result.prices ?? resolvePrices());
      await writeResultsAtomic(sink.file, sink.result);
    }
    for (const sink of sinks) sink.result.complete = !signal.aborted && sink.result.variants.length === entries.filter((e) => e.sink === sink).length;
  } finally {
    await Promise.allSettled([...used.values()].map((runtime) => runtime.dispose(options.runId)));
    await eventBus?.close();
    for (const sink of sinks) {
      sink.result.finishedAt = new Date().toISOString();
      if (sink.thresholds.length > 0) sink.result.thresholdResults = evaluateThresholds(sink.thresholds, sink.result.variants, sink.result.prices);
      await writeResultsAtomic(sink.file, sink.result);
    }
  }
}

/** Runs every variant of one scenario in turn into <outDir>/<runId>/results.json. */
export async function runScenario(options: RunOptions): Promise<RunOutput> {
  const { loaded, variants } = options;
  const shard = options.shard;
  // Shards run at the same second on a CI matrix may share an output folder: each gets its own.
  const runId = `${makeRunId(loaded.scenario.name)}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
  const dir = resolve(options.outDir, runId);
  await mkdir(dir, { recursive: true });
  const resultsFile = join(dir, 'results.json');
  const result = newRunResult(runId, loaded, options.host, options.pricesOverride);
  if (shard) result.shard = shard;
  const sink: RunSink = { result, file: resultsFile, fn: loaded.fn, thresholds: loaded.thresholds };
  await runEntries(variants.map((variant) => ({ variant, sink })), { runId, signal: options.signal, ...(options.events ? { events: options.events } : {}) });
  return { result, dir, resultsFile };
}
