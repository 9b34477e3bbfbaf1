import type { ArrivalLog, HistogramData, InstanceRecord, PhaseResult, VariantResult } from '../results/model.js';
import type { Variant } from '../scenario/variant.js';
import { mergedOf } from '../results/histogram.js';
import { isColdStart } from '../billing/variantCost.js';

/** P50/P99 of one start kind, ms, from the corrected (intended send time) histograms. */
export interface Percentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * What advice needs of one valid variant, its repetitions combined (histograms added, instances and
 * phases kept side by side). Only completed variants ever become figures.
 */
export interface VariantFigures {
  key: string;
  variant: Variant;
  /** The completed runs behind these figures (repetitions). */
  runs: VariantResult[];
  requests: number;
  warm?: Percentiles;
  cold?: Percentiles;
  /** Cold and warm together: what callers felt. */
  all?: Percentiles;
  /** Instances started for requests (provisioned ones are not cold starts). */
  instanceColdStarts: number;
  /** Requests that waited on a cold start (several can wait on one instance). */
  coldDelayedRequests: number;
  /** Median time from start call to ready of the instances started for requests, ms. */
  coldStartMs?: number;
  /** Median fetch step (pull, page-cache refill) of those starts, ms. */
  fetchMs?: number;
  phases: PhaseResult[][];
  instances: InstanceRecord[];
  durationMs: number;
}

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
export { median };

function percentiles(data: HistogramData | undefined): Percentiles | undefined {
  return data ? { count: data.count, p50Ms: data.p50Us / 1000, p99Ms: data.p99Us / 1000 } : undefined;
}

const startDurationMs = (i: InstanceRecord): number | undefined => (i.readyAtMs !== undefined ? i.readyAtMs - i.startedAtMs : undefined);

/** Latency histograms of one start kind over every phase of every run, merged. */
export function mergedLatency(runs: VariantResult[], kind: 'all' | 'cold' | 'warm', measure: 'corrected' | 'uncorrected'): HistogramData | undefined {
  return mergedOf(runs.flatMap((r) => r.phases.map((p) => p.latency[kind]?.[measure])));
}

/** Figures of every completed variant, repetitions (same key) combined, in the run's order. */
export function figuresOf(variants: VariantResult[]): VariantFigures[] {
  const byKey = new Map<string, VariantResult[]>();
  for (const v of variants) if (v.status === 'completed') byKey.set(v.variant.key, [...(byKey.get(v.variant.key) ?? []), v]);
  return [...byKey.entries()].map(([key, runs]) => figuresOfRuns(key, runs));
}

function figuresOfRuns(key: string, runs: VariantResult[]): VariantFigures {
  const head = runs[0]!;
  const instances = runs.flatMap((r) => r.instances);
  const cold = instances.filter(isColdStart);
  const figures: VariantFigures = {
    key,
    variant: head.variant,
    runs,
    requests: runs.reduce((n, r) => n + r.phases.reduce((m, p) => m + p.ok, 0), 0),
    instanceColdStarts: cold.length,
    coldDelayedRequests: runs.reduce((n, r) => n + r.phases.reduce((m, p) => m + p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'], 0), 0),
    phases: runs.map((r) => r.phases),
    instances,
    durationMs: runs.reduce((n, r) => n + r.durationMs, 0),
  };
  const warm = percentiles(mergedLatency(runs, 'warm', 'corrected'));
  const coldP = percentiles(mergedLatency(runs, 'cold', 'corrected'));
  const all = percentiles(mergedLatency(runs, 'all', 'corrected'));
  if (warm) figures.warm = warm;
  if (coldP) figures.cold = coldP;
  if (all) figures.all = all;
  const startMs = median(cold.flatMap((i) => startDurationMs(i) ?? []));
  if (startMs !== undefined) figures.coldStartMs = startMs;
  const fetchMs = median(cold.flatMap((i) => i.start?.fetchMs ?? []));
  if (fetchMs !== undefined) figures.fetchMs = fetchMs;
  return figures;
}

/** The arrival logs of a variant's runs (absent in version-1 files and merged results). */
export function arrivalLogs(f: VariantFigures): ArrivalLog[] {
  return f.runs.flatMap((r) => (r.arrivals ? [r.arrivals] : []));
}
