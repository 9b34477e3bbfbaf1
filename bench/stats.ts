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

/** P50 of the per-round ratios a[i] / b[i]: samples taken in the same round share the host's moment, so on a noisy host this moves less than P50(a) / P50(b). */
export function pairedRatio(a: number[], b: number[]): number {
  const ratios = a.slice(0, b.length).map((x, i) => x / (b[i] ?? NaN)).filter(Number.isFinite);
  return stats(ratios).p50;
}
