import type { RunResult, VariantResult } from '../results/model.js';
import type { SimResult } from './simulate.js';
import type { Measured } from './measured.js';
import { replayRun, type ReplaySpread } from './replayRun.js';

export interface Validation {
  variant: string;
  /** The ensemble's median replay; the errors compare each figure's median over the ensemble. */
  predicted?: SimResult;
  /** Each figure's 90% range over the replays, to set the measured figure in. */
  spread?: ReplaySpread;
  measured?: Measured;
  /** Relative errors (median predicted − measured) / measured; 0 when both are 0. */
  /** P99 is left out (undefined) where it sits on the cliff between the warm and the cold tail: see `notes`. */
  error?: { coldStartProbability: number; p99Ms?: number; meanInstances: number };
  skipped?: string;
  /** Said next to the figures: phases left out (closed loop), a thinned arrival log. */
  notes?: string[];
}

// With cold requests within two of 1% of all, the P99 is the last warm or the first cold one: a jump of
// 100×, decided by a single request, that says nothing about how well the simulation models the pool.
const onTheCliff = (f: { requests: number; coldRequests: number }): boolean => f.coldRequests > 0 && Math.abs(f.coldRequests - 0.01 * f.requests) <= 2;

const relative = (predicted: number, measured: number): number => (measured === 0 ? (predicted === 0 ? 0 : Infinity) : (predicted - measured) / measured);

/** Re-simulates one variant's own run (its arrivals, policy and measured service times) and compares. */
export function validateVariant(variant: VariantResult, seed: number): Validation {
  const replay = replayRun(variant, seed);
  if ('skipped' in replay) return replay;
  const { predicted, measured } = replay;
  const { spread } = replay;
  const median = (figure: 'coldStartProbability' | 'p99Ms' | 'meanInstances'): number => spread[figure].median;
  const cliff = onTheCliff(predicted) || onTheCliff(measured);
  const notes = [
    ...replay.notes,
    ...(cliff ? [`P99 not compared: ${measured.coldRequests} measured and ${predicted.coldRequests} predicted cold requests of ${measured.requests} sit within two of 1%, where the P99 jumps between the warm and the cold tail on one request`] : []),
  ];
  return {
    variant: replay.variant,
    ...(notes.length > 0 ? { notes } : {}),
    predicted,
    spread,
    measured,
    error: {
      coldStartProbability: relative(median('coldStartProbability'), measured.coldStartProbability),
      ...(cliff ? {} : { p99Ms: relative(median('p99Ms'), measured.p99Ms) }),
      meanInstances: relative(median('meanInstances'), measured.meanInstances),
    },
  };
}

export function validateRun(result: RunResult, seed: number): Validation[] {
  return result.variants.map((v) => validateVariant(v, seed));
}
