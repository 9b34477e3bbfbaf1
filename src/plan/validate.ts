import type { RunResult, VariantResult } from '../results/model.js';
import type { SimResult } from './simulate.js';
import type { Measured } from './measured.js';
import { replayRun } from './replayRun.js';

export interface Validation {
  variant: string;
  predicted?: SimResult;
  measured?: Measured;
  /** Relative errors (predicted − measured) / measured; 0 when both are 0. */
  error?: { coldStartProbability: number; p99Ms: number; meanInstances: number };
  skipped?: string;
  /** Said next to the figures: phases left out (closed loop), a thinned arrival log. */
  notes?: string[];
}

const relative = (predicted: number, measured: number): number => (measured === 0 ? (predicted === 0 ? 0 : Infinity) : (predicted - measured) / measured);

/** Re-simulates one variant's own run (its arrivals, policy and measured service times) and compares. */
export function validateVariant(variant: VariantResult, seed: number): Validation {
  const replay = replayRun(variant, seed);
  if ('skipped' in replay) return replay;
  const { predicted, measured, notes } = replay;
  return {
    variant: replay.variant,
    ...(notes.length > 0 ? { notes } : {}),
    predicted,
    measured,
    error: {
      coldStartProbability: relative(predicted.coldStartProbability, measured.coldStartProbability),
      p99Ms: relative(predicted.p99Ms, measured.p99Ms),
      meanInstances: relative(predicted.meanInstances, measured.meanInstances),
    },
  };
}

export function validateRun(result: RunResult, seed: number): Validation[] {
  return result.variants.map((v) => validateVariant(v, seed));
}
