import hdr from 'hdr-histogram-js';
import type { HistogramData } from './model.js';

type Histogram = ReturnType<typeof hdr.build>;
export type { Histogram };

// JS mode (no WebAssembly) so histograms need no destroy() and can be garbage collected like any object.
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Records a duration given in microseconds; HDR histograms hold integers, so it is rounded and clamped to ≥ 1. */
export function recordUs(histogram: Histogram, us: number): void {
  histogram.recordValue(Math.max(1, Math.round(us)));
}

/** `exact` carries the true min and max through a merge: the encoded form keeps only their buckets. */
export function toData(histogram: Histogram, exact?: { minUs: number; maxUs: number }): HistogramData {
  const empty = histogram.totalCount === 0;
  const maxUs = empty ? 0 : (exact?.maxUs ?? histogram.maxValue);
  // HDR answers a percentile with its bucket's highest equivalent value, which can pass the exact max recorded.
  const at = (p: number): number => (empty ? 0 : Math.min(histogram.getValueAtPercentile(p), maxUs));
  return {
    encoded: hdr.encodeIntoCompressedBase64(histogram),
    count: histogram.totalCount,
    minUs: empty ? 0 : (exact?.minUs ?? histogram.minNonZeroValue),
    meanUs: empty ? 0 : Math.round(histogram.mean),
    p50Us: at(50),
    p90Us: at(90),
    p99Us: at(99),
    p999Us: at(99.9),
    maxUs,
  };
}

export function fromData(data: HistogramData): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(data.encoded, 32, false);
  // Re-build into an auto-resizing histogram so later add() calls never overflow.
  const histogram = newHistogram();
  histogram.add(decoded);
  return histogram;
}

/** Adds histograms bucket by bucket: the only honest way to combine percentiles from several runs. */
export function mergeData(items: readonly HistogramData[]): HistogramData {
  const total = newHistogram();
  for (const item of items) total.add(fromData(item));
  const present = items.filter((item) => item.count > 0);
  if (present.length === 0) return toData(total);
  return toData(total, { minUs: Math.min(...present.map((i) => i.minUs)), maxUs: Math.max(...present.map((i) => i.maxUs)) });
}
