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

export function toData(histogram: Histogram): HistogramData {
  const empty = histogram.totalCount === 0;
  const at = (p: number): number => (empty ? 0 : histogram.getValueAtPercentile(p));
  return {
    encoded: hdr.encodeIntoCompressedBase64(histogram),
    count: histogram.totalCount,
    minUs: empty ? 0 : histogram.minNonZeroValue,
    meanUs: empty ? 0 : Math.round(histogram.mean),
    p50Us: at(50),
    p90Us: at(90),
    p99Us: at(99),
    p999Us: at(99.9),
    maxUs: empty ? 0 : histogram.maxValue,
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
  return toData(total);
}
