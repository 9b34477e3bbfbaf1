import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { LoadedScenario } from '../scenario/load.js';
import type { Variant } from '../scenario/variant.js';
import type { RunResult } from '../results/model.js';
import { mulberry32 } from '../util/prng.js';
import { makeRunId, newRunResult, runEntries, type RunOptions, type RunSink } from './run.js';

export type Side = 'baseline' | 'candidate';

export interface InterleavedOptions extends Omit<RunOptions, 'loaded' | 'variants' | 'shard'> {
  baseline: LoadedScenario;
  candidate: LoadedScenario;
  /** The variants both sides run (same keys, phases and repetitions). */
  variants: Variant[];
  /** Seeds the order of each round, so a run can be repeated exactly. */
  seed: number;
}

export interface InterleavedOutput {
  dir: string;
  baseline: { result: RunResult; resultsFile: string };
  candidate: { result: RunResult; resultsFile: string };
  /** The order the rounds ran in, e.g. ["candidate", "baseline", "baseline", "candidate"…]. */
  order: Side[];
}

/**
 * Each variant × repetition is a round: baseline and candidate run back to back, which one first drawn
 * at random, so a slow minute of a shared runner hits both sides rather than one (duet benchmarking).
 */
export function interleavedOrder(variants: readonly Variant[], seed: number): Array<{ variant: Variant; side: Side }> {
  const random = mulberry32(seed);
  return variants.flatMap((variant) => {
    const first: Side = random() < 0.5 ? 'baseline' : 'candidate';
    const second: Side = first === 'baseline' ? 'candidate' : 'baseline';
    return [
      { variant, side: first },
      { variant, side: second },
    ];
  });
}

/** Runs baseline and candidate in interleaved rounds into <outDir>/<runId>/{baseline,candidate}/results.json. */
export async function runInterleaved(options: InterleavedOptions): Promise<InterleavedOutput> {
  const runId = makeRunId(`${options.candidate.scenario.name}-ab`);
  const dir = resolve(options.outDir, runId);
  const sinks: Record<Side, RunSink> = {
    baseline: sinkFor('baseline', options.baseline, runId, dir, options),
    candidate: sinkFor('candidate', options.candidate, runId, dir, options),
  };
  sinks.baseline.result.ab = { side: 'baseline', pairedWith: sinks.candidate.result.runId };
  sinks.candidate.result.ab = { side: 'candidate', pairedWith: sinks.baseline.result.runId };
  await Promise.all([mkdir(join(dir, 'baseline'), { recursive: true }), mkdir(join(dir, 'candidate'), { recursive: true })]);
  const rounds = interleavedOrder(options.variants, options.seed);
  await runEntries(
    rounds.map((r) => ({ variant: r.variant, sink: sinks[r.side] })),
    { runId, signal: options.signal, ...(options.events ? { events: options.events } : {}) },
  );
  return {
    dir,
    baseline: { result: sinks.baseline.result, resultsFile: sinks.baseline.file },
    candidate: { result: sinks.candidate.result, resultsFile: sinks.candidate.file },
    order: rounds.map((r) => r.side),
  };
}

function sinkFor(side: Side, loaded: LoadedScenario, runId: string, dir: string, options: InterleavedOptions): RunSink {
  return { result: newRunResult(`${runId}-${side}`, loaded, options.host, options.pricesOverride), file: join(dir, side, 'results.json'), fn: loaded.fn, thresholds: side === 'candidate' ? loaded.thresholds : [] };
}
