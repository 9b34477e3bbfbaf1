import type { PhaseResult, RunResult, VariantResult } from '../../src/results/model.js';
import { newHistogram, recordUs, toData } from '../../src/results/histogram.js';
import { sampleRunResult } from './sampleResult.js';

// One repetition's steady phase: 200 warm requests spread ±5% around a median, 2 cold ones.
function phase(warmMedianUs: number, coldUs: number): PhaseResult {
  const warm = newHistogram();
  const cold = newHistogram();
  for (let i = 0; i < 200; i++) recordUs(warm, warmMedianUs * (0.95 + (i / 200) * 0.1));
  recordUs(cold, coldUs);
  recordUs(cold, coldUs * 1.02);
  const set = (h: typeof warm) => ({ corrected: toData(h), uncorrected: toData(h) });
  return {
    name: 'steady', kind: 'constant', loop: 'open', startMs: 0, durationMs: 4000, targetRate: 50, achievedRate: 50, scheduled: 202, sent: 202, ok: 202,
    errors: {}, latency: { warm: set(warm), cold: set(cold), all: set(warm) }, coldStarts: { 'scale-out': 2, 'keepalive-expired': 0 }, valid: true, invalidReasons: [],
  };
}

/** A run whose repetitions have these warm medians (µs); each repetition is one variant entry, as `coldlab run` writes them. */
export function runWithReps(runId: string, warmMediansUs: number[], options: { invalidRep?: number } = {}): RunResult {
  const template = sampleRunResult({ variants: [{}] });
  const head = template.variants[0]!;
  const variants: VariantResult[] = warmMediansUs.map((median, i) => {
    const base = { ...head, variant: { ...head.variant, repetition: i + 1, id: `${head.variant.key}#${i + 1}` }, phases: [phase(median, 300_000 + median)] };
    return options.invalidRep === i + 1 ? { ...base, status: 'invalid', invalidReasons: ['steady: sent 150 of 202 scheduled requests'] } : { ...base, status: 'completed' };
  });
  return { ...template, runId, variants };
}
