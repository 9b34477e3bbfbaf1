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

// Variant-wide figures come from histograms added bucket by bucket, never from averaged phase percentiles.
/** The histograms that hold values, added; one alone is returned as it is; undefined when none holds any. */
export function mergedOf(items: ReadonlyArray<HistogramData | undefined>): HistogramData | undefined {
  const present = items.filter((h): h is HistogramData => h !== undefined && h.count > 0);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : mergeData(present);
}

/** Adds histograms bucket by bucket: the only honest way to combine percentiles from several runs. */
export function mergeData(items: readonly HistogramData[]): HistogramData {
  const total = newHistogram();
  for (const item of items) total.add(fromData(item));
  const present = items.filter((item) => item.count > 0);
  if (present.length === 0) return toData(total);
  return toData(total, { minUs: Math.min(...present.map((i) => i.minUs)), maxUs: Math.max(...present.map((i) => i.maxUs)) });
}

/** Every recorded bucket of a histogram: its highest equivalent value (µs) and how many values fell in it. */
export function recordedValues(data: HistogramData): Array<{ us: number; count: number }> {
  const histogram = fromData(data);
  // newHistogram() builds a JS (not WebAssembly) histogram, which is what carries the iterators.
  if (!(histogram instanceof hdr.JsHistogram)) throw new Error('histogram is not a JS histogram');
  const out: Array<{ us: number; count: number }> = [];
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    out.push({ us: step.valueIteratedTo, count: step.countAtValueIteratedTo });
  }
  return out;
}

/**
 * Points of an HDR percentile plot, as HdrHistogram draws it: percentiles at 1 − 2^(−k/ticks), so each halving
 * of the tail gets the same room on an x axis of 1/(1 − p), up to the last value recorded.
 */
export function percentileCurve(data: HistogramData, ticksPerHalf = 4): Array<{ percentile: number; inverse: number; us: number }> {
  if (data.count === 0) return [];
  const histogram = fromData(data);
  const points: Array<{ percentile: number; inverse: number; us: number }> = [];
  for (let k = 0; ; k++) {
    const inverse = 2 ** (k / ticksPerHalf);
    const percentile = 100 * (1 - 1 / inverse);
    points.push({ percentile, inverse, us: Math.min(histogram.getValueAtPercentile(percentile), data.maxUs) });
    // Past 1/count the percentiles name the same, largest value; one more point would only repeat it.
    if (inverse >= data.count) break;
  }
  return points;
}
