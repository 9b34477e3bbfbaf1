import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { LoadedScenario } from '../scenario/load.js';
import type { Variant } from '../scenario/variant.js';
import type { HostInfo, RunResult, VariantResult } from '../results/model.js';
import type { Runtime } from '../runtimes/types.js';
import { SCHEMA_VERSION } from '../results/model.js';
import { getRuntime } from '../runtimes/registry.js';
import { writeResultsAtomic } from '../results/store.js';
import { runVariant, type VariantEvents } from './variant.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { resolvePrices, type PricesOverride } from '../advise/cost.js';

export interface RunOptions {
  loaded: LoadedScenario;
  variants: Variant[];
  host: HostInfo;
  /** Folder that receives <runId>/results.json. */
  outDir: string;
  signal: AbortSignal;
  /** Prices over the scenario's cost: section (`--prices FILE`). */
  pricesOverride?: PricesOverride;
  events?: VariantEvents & {
    variantStarted?(v: Variant, index: number, total: number): void;
    variantFinished?(r: VariantResult): void;
    /** What the start-of-run sweep removed: leftovers of an earlier coldlab that crashed or was killed. */
    leftoversRemoved?(runtime: string, removed: string[]): void;
  };
}

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

/**
 * Runs every variant in turn, writing results.json after each one so an interrupted run keeps what it
 * gathered; always disposes every runtime it used, whatever happens.
 */
export async function runScenario(options: RunOptions): Promise<RunOutput> {
  const { loaded, variants, signal } = options;
  const runId = makeRunId(loaded.scenario.name);
  const dir = resolve(options.outDir, runId);
  await mkdir(dir, { recursive: true });
  const resultsFile = join(dir, 'results.json');
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldlab', version: VERSION },
    runId,
    scenario: { name: loaded.scenario.name, file: loaded.file, ...(loaded.scenario.description ? { description: loaded.scenario.description } : {}) },
    startedAt: new Date().toISOString(),
    complete: false,
    host: options.host,
    prices: resolvePrices(loaded.scenario.cost, options.pricesOverride),
    advice: loaded.scenario.advice,
    variants: [],
  };
  const used = new Map<string, Runtime>();
  try {
    for (const [index, variant] of variants.entries()) {
      if (signal.aborted) break;
      const runtime = await getRuntime(variant.runtime);
      const firstUse = !used.has(variant.runtime);
      used.set(variant.runtime, runtime);
      const probe = await runtime.probe();
      if (!probe.usable) {
        throw new ColdlabError('RUNTIME_UNAVAILABLE', `runtime "${variant.runtime}" is not usable here: ${probe.reason}`, probe.fix, EXIT.runtimeUnavailable);
      }
      if (probe.facts) result.runtimes = { ...result.runtimes, [variant.runtime]: probe.facts };
      // After a crash or kill -9 of coldlab, its containers and cgroups go at the next run (a live run's stay).
      if (firstUse && runtime.cleanupLeftovers) {
        const removed = await runtime.cleanupLeftovers();
        if (removed.length > 0) options.events?.leftoversRemoved?.(variant.runtime, removed);
      }
      options.events?.variantStarted?.(variant, index, variants.length);
      const variantResult = await runVariant({ runtime, fn: loaded.fn, variant, runId, signal, ...(options.events ? { events: options.events } : {}) });
      result.variants.push(variantResult);
      options.events?.variantFinished?.(variantResult);
      await writeResultsAtomic(resultsFile, result);
    }
    result.complete = !signal.aborted && result.variants.length === variants.length;
  } finally {
    await Promise.allSettled([...used.values()].map((runtime) => runtime.dispose(runId)));
    result.finishedAt = new Date().toISOString();
    await writeResultsAtomic(resultsFile, result);
  }
  return { result, dir, resultsFile };
}
