export interface Stats {
  p50: number;
  max: number;
  min: number;
}

/** P50 (the upper middle sample for an even count, as in coldStart.ts) and max. */
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN, min: s[0] ?? NaN };
}
