import type { HistogramData } from '../results/model.js';
import { recordedValues } from '../results/histogram.js';
import { mergedLatency, type VariantFigures } from './figures.js';

/** Where a variant's P99 could lie, given this run's noise, ms. */
export interface P99Interval {
  lowMs: number;
  highMs: number;
  /** Repetitions: the spread of the repetitions' own P99s; requests: a 95% interval over one run's requests. */
  basis: 'repetitions' | 'requests';
  repetitions: number;
}

// 95%, two-sided.
const Z = 1.96;

/**
 * The P99's noise band: with three or more repetitions, the range of their P99s; otherwise the distribution-free
 * 95% interval of the 99th percentile over the requests (order statistics at the binomial ranks n·0.99 ± 1.96·√(n·0.99·0.01)),
 * what a bootstrap over the requests approaches, read off the HDR histogram exactly.
 */
export function p99Interval(f: VariantFigures, of: 'warm' | 'all'): P99Interval | undefined {
  const perRun = f.runs.flatMap((r) => mergedLatency([r], of, 'corrected')?.p99Us ?? []);
  if (perRun.length >= 3) return { lowMs: Math.min(...perRun) / 1000, highMs: Math.max(...perRun) / 1000, basis: 'repetitions', repetitions: perRun.length };
  const data = mergedLatency(f.runs, of, 'corrected');
  if (!data || data.count === 0) return undefined;
  const n = data.count;
  const spread = Z * Math.sqrt(n * 0.99 * 0.01);
  return { lowMs: valueAtRank(data, Math.max(1, Math.floor(n * 0.99 - spread))) / 1000, highMs: valueAtRank(data, Math.min(n, Math.ceil(n * 0.99 + spread))) / 1000, basis: 'requests', repetitions: f.runs.length };
}

// The k-th smallest recorded value (1-based), µs.
function valueAtRank(data: HistogramData, k: number): number {
  let seen = 0;
  for (const { us, count } of recordedValues(data)) {
    seen += count;
    if (seen >= k) return us;
  }
  return data.maxUs;
}

export const overlaps = (a: P99Interval, b: P99Interval): boolean => a.lowMs <= b.highMs && b.lowMs <= a.highMs;

/**
 * Repetitions that would separate two P99s whose intervals overlap: the bands narrow as 1/√r, so r makes the
 * two half-widths together fit in the gap between the P99s. Undefined when the P99s are equal.
 */
export function repetitionsToSeparate(a: { p99Ms: number; band: P99Interval }, b: { p99Ms: number; band: P99Interval }): number | undefined {
  const gap = Math.abs(a.p99Ms - b.p99Ms);
  if (gap <= 0) return undefined;
  const halfWidths = (a.band.highMs - a.band.lowMs) / 2 + (b.band.highMs - b.band.lowMs) / 2;
  const runs = Math.max(a.band.repetitions, b.band.repetitions, 1);
  return Math.max(runs + 1, Math.ceil(runs * (halfWidths / gap) ** 2));
}
