import { mulberry32 } from '../util/prng.js';

/** A Poisson process of `rate` per second: `count` arrivals (µs), generated as they are asked for. */
export function poissonArrivals(rate: number, count: number, seed: number): () => number {
  const random = mulberry32(seed);
  let t = 0;
  let left = count;
  return () => {
    if (left-- <= 0) return Infinity;
    t += (-Math.log(1 - random()) / rate) * 1e6;
    return t;
  };
}

/** Arrivals from a precomputed schedule (µs, ascending). */
export function fromOffsets(offsets: ArrayLike<number>): () => number {
  let i = 0;
  return () => (i < offsets.length ? (offsets[i++] ?? Infinity) : Infinity);
}

/**
 * A 1-in-w sample of arrivals (µs, ascending) spread back out to every request: each kept arrival, then
 * w − 1 more evenly over the gap to the next kept one (the last one's gap taken as the one before it). The
 * rate is right; within a gap the spacing is a guess, so idle stretches shorter than a gap disappear.
 */
export function fromSample(offsets: ArrayLike<number>, oneIn: number): () => number {
  let i = 0;
  let k = 0;
  return () => {
    if (i >= offsets.length) return Infinity;
    const at = offsets[i] ?? 0;
    const next = i + 1 < offsets.length ? (offsets[i + 1] ?? at) : at + (at - (offsets[i - 1] ?? at));
    const t = at + ((next - at) * k) / oneIn;
    if (++k >= oneIn) (k = 0), i++;
    return t;
  };
}
