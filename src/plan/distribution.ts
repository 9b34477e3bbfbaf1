import hdr from 'hdr-histogram-js';
import type { HistogramData } from '../results/model.js';
import { fromData } from '../results/histogram.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/** A service-time distribution the simulator draws from, in µs. */
export interface Distribution {
  /** `u` is uniform in [0, 1). */
  sample(u: number): number;
  meanUs: number;
  label: string;
}

export function fixed(ms: number): Distribution {
  const us = ms * 1000;
  return { sample: () => us, meanUs: us, label: `${ms} ms fixed` };
}

export function exponential(meanMs: number): Distribution {
  const mean = meanMs * 1000;
  return { sample: (u) => -Math.log(1 - u) * mean, meanUs: mean, label: `exponential, mean ${meanMs} ms` };
}

export function uniform(fromMs: number, toMs: number): Distribution {
  return { sample: (u) => (fromMs + u * (toMs - fromMs)) * 1000, meanUs: ((fromMs + toMs) / 2) * 1000, label: `uniform ${fromMs}–${toMs} ms` };
}

/**
 * Draws from a recorded HDR histogram: a bucket with probability count/total, then a value spread uniformly
 * across the bucket's range (its values are only known to that precision).
 */
export function fromHistogram(data: HistogramData, label: string): Distribution {
  const histogram = fromData(data);
  if (!(histogram instanceof hdr.JsHistogram) || data.count === 0) throw new ColdlabError('PLAN_NO_SAMPLES', `no ${label} latencies to sample from`, 'give the service time directly (--warm-ms, --cold-ms)', EXIT.usage);
  const lows: number[] = [];
  const widths: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    const value = histogram.valueFromIndex(i);
    total += count;
    lows.push(histogram.lowestEquivalentValue(value));
    widths.push(histogram.highestEquivalentValue(value) + 1 - histogram.lowestEquivalentValue(value));
    cumulative.push(total);
  }
  const cum = Float64Array.from(cumulative);
  const low = Float64Array.from(lows);
  const width = Float64Array.from(widths);
  return {
    sample(u: number): number {
      const target = u * total;
      // Binary search for the first bucket whose cumulative count passes the target.
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cum[mid] ?? 0) > target) hi = mid;
        else lo = mid + 1;
      }
      const before = lo > 0 ? (cum[lo - 1] ?? 0) : 0;
      const within = ((target - before) / ((cum[lo] ?? 1) - before)) % 1;
      return Math.min(Math.max(data.minUs, (low[lo] ?? 0) + within * (width[lo] ?? 0)), data.maxUs);
    },
    meanUs: data.meanUs,
    label: `${label}: ${data.count} measured, P50 ${(data.p50Us / 1000).toFixed(1)} ms, P99 ${(data.p99Us / 1000).toFixed(1)} ms`,
  };
}

/** Parses `--warm-dist`/`--cold-dist`: `exp:MEAN_MS`, `uniform:FROM_MS:TO_MS` or a plain number (fixed ms). */
export function parseDistribution(text: string, option: string): Distribution {
  const parts = text.split(':');
  const numbers = parts.slice(1).map(Number);
  const bad = (): never => {
    throw new ColdlabError('PLAN_USAGE', `${option}: "${text}" is not a distribution`, 'write a number of ms (fixed), exp:MEAN_MS or uniform:FROM_MS:TO_MS', EXIT.usage);
  };
  if (numbers.some((n) => !Number.isFinite(n) || n < 0)) bad();
  if (parts.length === 1) {
    const ms = Number(text);
    return Number.isFinite(ms) && ms >= 0 ? fixed(ms) : bad();
  }
  if (parts[0] === 'exp' && numbers.length === 1) return exponential(numbers[0] ?? 0);
  if (parts[0] === 'uniform' && numbers.length === 2 && (numbers[0] ?? 0) <= (numbers[1] ?? 0)) return uniform(numbers[0] ?? 0, numbers[1] ?? 0);
  return bad();
}
