import { mulberry32 } from '../../util/prng.js';

export type Spread = 'poisson' | 'uniform' | 'equidistant';

// Keeps the last arrival of a minute strictly inside it, whatever float rounding does to the normalised sum.
const INSIDE = 1 - 1e-9;

/**
 * Places `count` arrivals inside [startUs, startUs + lengthUs), ascending, written into `out` from `at`.
 * poisson: exponential gaps normalised to the minute, i.e. a Poisson process conditioned on its count;
 * uniform: uniformly distributed gaps, normalised the same way; equidistant: one every length / count.
 * The minute's count is kept exactly, whatever the spread.
 */
export function spreadMinute(count: number, startUs: number, lengthUs: number, spread: Spread, random: () => number, out: Float64Array, at: number): void {
  if (count === 0) return;
  if (spread === 'equidistant') {
    for (let k = 0; k < count; k++) out[at + k] = startUs + (k * lengthUs) / count;
    return;
  }
  // count + 1 gaps: the last one runs from the last arrival to the minute's end.
  let total = 0;
  for (let k = 0; k <= count; k++) {
    const gap = spread === 'poisson' ? -Math.log(1 - random()) : random();
    // A zero gap is possible (random() can return 0); a tiny floor keeps the arrivals strictly ordered in time.
    total += Math.max(gap, 1e-12);
    if (k < count) out[at + k] = total;
  }
  for (let k = 0; k < count; k++) out[at + k] = startUs + Math.min(((out[at + k] ?? 0) / total) * lengthUs, lengthUs * INSIDE);
}

/** Spreads per-minute counts over minutes [0, counts.length), each minute lasting `minuteUs` (already compressed). */
export function spreadMinutes(counts: ArrayLike<number>, minuteUs: number, spread: Spread, seed: number): Float64Array {
  let total = 0;
  for (let m = 0; m < counts.length; m++) total += counts[m] ?? 0;
  const out = new Float64Array(total);
  const random = mulberry32(seed);
  let at = 0;
  for (let m = 0; m < counts.length; m++) {
    const count = counts[m] ?? 0;
    spreadMinute(count, m * minuteUs, minuteUs, spread, random, out, at);
    at += count;
  }
  return out;
}
