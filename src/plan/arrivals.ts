import { mulberry32 } from '../load/prng.js';

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
