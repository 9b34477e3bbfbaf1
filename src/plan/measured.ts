import type { HistogramData, PhaseResult, VariantResult } from '../results/model.js';
import { mergeData } from '../results/histogram.js';

/** What a variant's run measured, in the simulator's terms. */
export interface Measured {
  requests: number;
  coldRequests: number;
  instanceStarts: number;
  coldStartProbability: number;
  p50Ms: number;
  p99Ms: number;
  meanInstances: number;
  /** The window the instance average is taken over: from the first phase's start to the last one's end (ms since the variant started). */
  windowMs: [number, number];
}

function merged(phases: readonly PhaseResult[], kind: 'all' | 'cold' | 'warm'): HistogramData | undefined {
  const parts = phases.flatMap((p) => (p.latency[kind] ? [p.latency[kind].corrected] : []));
  return parts.length > 0 ? mergeData(parts) : undefined;
}

function mergedService(phases: readonly PhaseResult[], kind: 'cold' | 'warm'): HistogramData | undefined {
  const parts = phases.flatMap((p) => (p.service?.[kind] ? [p.service[kind]] : []));
  return parts.length > 0 ? mergeData(parts) : undefined;
}

/**
 * Service times merged over the variant's phases: time on an instance (warm) and start plus first request
 * (cold), as the recorder keeps them; results without them fall back to the response times, queueing included.
 * A replay takes them from the phases it judges: a closed loop's contention would slow every request.
 */
export function serviceHistograms(variant: VariantResult, phases: readonly PhaseResult[] = variant.phases): { warm?: HistogramData; cold?: HistogramData } {
  const warm = mergedService(phases, 'warm') ?? merged(phases, 'warm');
  const cold = mergedService(phases, 'cold') ?? merged(phases, 'cold');
  return { ...(warm ? { warm } : {}), ...(cold ? { cold } : {}) };
}

/** The phases' span on the variant's clock: first start to last end (ms). */
export function phaseWindowMs(variant: VariantResult): [number, number] {
  const first = variant.phases[0];
  const last = variant.phases[variant.phases.length - 1];
  return [first?.startMs ?? 0, last ? last.startMs + last.durationMs : 0];
}

/**
 * Instances alive on average over the phases' window, from the lifecycle records: each instance counts from
 * its start (starting counts, as in the simulator) until it stopped, clipped to the window.
 */
export function meanInstancesOf(variant: VariantResult, [from, to]: [number, number]): number {
  if (to <= from) return 0;
  let area = 0;
  for (const record of variant.instances) {
    const start = Math.max(from, record.startedAtMs);
    const stop = Math.min(to, record.stoppedAtMs ?? to);
    if (stop > start) area += stop - start;
  }
  return area / (to - from);
}

/** What the run measured over its phases, or over the window a replay judged (closed-loop phases left out). */
export function measuredOf(variant: VariantResult, window?: { phases: readonly PhaseResult[]; fromMs: number; toMs: number }): Measured {
  const phases = window?.phases ?? variant.phases;
  const all = merged(phases, 'all');
  const cold = merged(phases, 'cold');
  const requests = all?.count ?? 0;
  const coldRequests = cold?.count ?? 0;
  const windowMs: [number, number] = window ? [window.fromMs, window.toMs] : phaseWindowMs(variant);
  const instanceStarts = variant.instances.filter((r) => !r.provisioned && r.startedAtMs >= windowMs[0] && r.startedAtMs < windowMs[1]).length;
  return {
    requests,
    coldRequests,
    instanceStarts,
    coldStartProbability: requests > 0 ? coldRequests / requests : 0,
    p50Ms: (all?.p50Us ?? 0) / 1000,
    p99Ms: (all?.p99Us ?? 0) / 1000,
    meanInstances: meanInstancesOf(variant, windowMs),
    windowMs,
  };
}
