import type { RunResult, VariantResult } from '../results/model.js';
import { simulate, type SimResult } from './simulate.js';
import { fixed, fromHistogram, type Distribution } from './distribution.js';
import { fromOffsets, fromSample } from './arrivals.js';
import { formatCount } from '../present/format.js';
import { measuredOf, serviceHistograms, type Measured } from './measured.js';
import { reapEveryMs, variantArrivals, type VariantArrivals } from './replay.js';
import type { ArrivalSample } from '../results/arrivals.js';

export interface Validation {
  variant: string;
  predicted?: SimResult;
  measured?: Measured;
  /** Relative errors (predicted − measured) / measured; 0 when both are 0. */
  error?: { coldStartProbability: number; p99Ms: number; meanInstances: number };
  skipped?: string;
  /** Where the arrivals came from when the run's log was thinned, said next to the figures. */
  arrivalsNote?: string;
}

const relative = (predicted: number, measured: number): number => (measured === 0 ? (predicted === 0 ? 0 : Infinity) : (predicted - measured) / measured);

/**
 * The run's own instance starts, in the order they happened, each plus a warm service time: the k-th simulated
 * start takes the k-th measured one (cycling). Start times drift with the host's load over a run, and drawing
 * them at random would scatter slow and fast starts differently than they came; falls back to the cold
 * histogram when no start was recorded.
 */
function coldOf(variant: VariantResult, warm: Distribution): Distribution {
  const starts = variant.instances
    .filter((r) => !r.provisioned && r.start !== undefined)
    .sort((a, b) => a.startedAtMs - b.startedAtMs)
    .map((r) => (r.start?.totalMs ?? 0) * 1000);
  if (starts.length === 0) {
    const { cold } = serviceHistograms(variant);
    return cold ? fromHistogram(cold, 'cold') : fixed(warm.meanUs / 1000);
  }
  let next = 0;
  const mean = starts.reduce((a, b) => a + b, 0) / starts.length + warm.meanUs;
  return { sample: (u) => (starts[next++ % starts.length] ?? 0) + warm.sample(u), meanUs: mean, label: `the run's ${starts.length} instance starts in order, plus warm service` };
}

/**
 * Where the run's reaper ticked: every keep-alive stop is stamped at a tick, and the timer started at no
 * fixed offset, so a simulation with ticks at multiples of the period misjudges gaps close to keep-alive
 * by up to a whole period. The median offset of the stops (taken around the first one) gives the phase.
 */
function reapPhaseOf(variant: VariantResult): number {
  const period = reapEveryMs(variant.variant.keepAliveMs);
  const stops = variant.instances.filter((i) => i.stopReason === 'keepalive' && i.stoppedAtMs !== undefined).map((i) => i.stoppedAtMs ?? 0);
  const first = stops[0];
  if (first === undefined) return 0;
  const offsets = stops.map((s) => ((((s - first) % period) + period * 1.5) % period) - period / 2).sort((a, b) => a - b);
  const median = offsets[Math.floor(offsets.length / 2)] ?? 0;
  return (((first + median) % period) + period) % period;
}

/** Re-simulates one variant's own run (its arrivals, policy and measured service times) and compares. */
export function validateVariant(variant: VariantResult, seed: number): Validation {
  const id = variant.variant.id;
  if (variant.status === 'failed') return { variant: id, skipped: `failed: ${variant.error.message}` };
  const arrivals = variantArrivals(variant);
  if ('unsupported' in arrivals) return { variant: id, skipped: arrivals.unsupported };
  const { warm: warmData } = serviceHistograms(variant);
  if (!warmData) return { variant: id, skipped: 'no warm latencies recorded' };
  const warm = fromHistogram(warmData, 'warm');
  const v = variant.variant;
  const predicted = simulate({
    policy: { maxInstances: v.maxInstances, instanceConcurrency: v.instanceConcurrency, keepAliveMs: v.keepAliveMs, provisioned: v.provisionedConcurrency, reapEveryMs: reapEveryMs(v.keepAliveMs), reapPhaseMs: reapPhaseOf(variant) },
    nextArrival: arrivals.sample ? fromSample(arrivals.offsetsUs, arrivals.sample.oneIn) : fromOffsets(arrivals.offsetsUs),
    horizonUs: arrivals.horizonUs,
    warm,
    cold: coldOf(variant, warm),
    seed,
  });
  const measured = measuredOf(variant);
  return {
    variant: id,
    ...noteOf(arrivals),
    predicted,
    measured,
    error: {
      coldStartProbability: relative(predicted.coldStartProbability, measured.coldStartProbability),
      p99Ms: relative(predicted.p99Ms, measured.p99Ms),
      meanInstances: relative(predicted.meanInstances, measured.meanInstances),
    },
  };
}

// A thinned log, said plainly: exact again when the schedules could stand in, approximate when they could not.
function noteOf(arrivals: VariantArrivals): { arrivalsNote?: string } {
  const count = (s: ArrivalSample): string => `${formatCount(s.requests)} requests`;
  if (arrivals.rebuiltFrom) return { arrivalsNote: `the arrival log keeps 1 in ${formatCount(arrivals.rebuiltFrom.oneIn)} of its ${count(arrivals.rebuiltFrom)}; arrivals rebuilt exactly from the phases' seeded schedules` };
  if (arrivals.sample) return { arrivalsNote: `approximate: the arrival log keeps 1 in ${formatCount(arrivals.sample.oneIn)} of its ${count(arrivals.sample)}, and the simulation spread each kept arrival's ${formatCount(arrivals.sample.oneIn)} requests evenly over the gap to the next one` };
  return {};
}

export function validateRun(result: RunResult, seed: number): Validation[] {
  return result.variants.map((v) => validateVariant(v, seed));
}
