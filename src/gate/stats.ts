import { median, permutationTest, quantile, sampleWithReplacement, wilcoxonRankSum } from 'simple-statistics';
import { mulberry32 } from '../util/prng.js';

export interface CompareOptions {
  /** Significance level of the one-sided Mann-Whitney U test (candidate slower than baseline). */
  alpha: number;
  /** Relative change tolerated before a significant slowdown counts as a regression (0.10 = 10%). */
  tolerance: number;
  /** Seeds the bootstrap and the permutation draws, so the same inputs always give the same verdict. */
  seed: number;
  /** Bootstrap resamples for the interval of the ratio of medians. */
  resamples?: number;
  /** Random rank permutations behind the p-value. */
  permutations?: number;
}

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'too-few-repetitions';

export interface SampleComparison {
  baseline: { n: number; median: number };
  candidate: { n: number; median: number };
  /** Candidate median / baseline median (1 = same). */
  ratio: number;
  /** Percentile bootstrap interval of the ratio, at confidence 1 − alpha. */
  interval: [number, number];
  /** Mann-Whitney U of the candidate sample (how often a candidate figure beats a baseline one). */
  u: number;
  /** One-sided p-value that the candidate is slower, from rank permutations. */
  pValue: number;
  verdict: Verdict;
  /** Why the verdict is what it is, in words. */
  reason: string;
}

// n choose k, small n only: the number of ways the ranks can split between the two samples.
function choose(n: number, k: number): number {
  let out = 1;
  for (let i = 1; i <= k; i++) out = (out * (n - k + i)) / i;
  return out;
}

/**
 * The smallest p-value a rank test can reach with these sample sizes is 1 / C(n + m, n): with 3 and 3
 * repetitions that is 0.05, so no difference, however large, could be significant at α = 0.05.
 */
export function enoughRepetitions(n: number, m: number, alpha: number): boolean {
  return n >= 2 && m >= 2 && 1 / choose(n + m, n) < alpha;
}

/** Smallest equal number of repetitions per side that can reach significance at alpha. */
export function minimumRepetitions(alpha: number): number {
  let n = 2;
  while (!enoughRepetitions(n, n, alpha)) n++;
  return n;
}

// Mid-ranks of the pooled samples (ties share their average rank), the values the rank test permutes.
function midRanks(pooled: readonly number[]): number[] {
  const order = pooled.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(pooled.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    for (let i = start; i <= end; i++) ranks[order[i]!.index] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

const ratioOf = (candidate: number, baseline: number): number => (baseline === 0 ? (candidate === 0 ? 1 : Infinity) : candidate / baseline);

/**
 * Compares per-repetition figures where higher is worse (latency, error rate…). A regression needs both:
 * the Mann-Whitney U test says the candidate is slower (p < alpha), and the ratio of medians passes
 * 1 + tolerance. Either alone is not enough on a noisy runner.
 */
export function compareSamples(baseline: readonly number[], candidate: readonly number[], options: CompareOptions): SampleComparison {
  const n = baseline.length;
  const m = candidate.length;
  const base = { n, median: n > 0 ? median([...baseline]) : NaN };
  const cand = { n: m, median: m > 0 ? median([...candidate]) : NaN };
  if (!enoughRepetitions(n, m, options.alpha)) {
    const need = minimumRepetitions(options.alpha);
    const ratio = n > 0 && m > 0 ? ratioOf(cand.median, base.median) : NaN;
    return {
      baseline: base,
      candidate: cand,
      ratio,
      interval: [NaN, NaN],
      u: NaN,
      pValue: NaN,
      verdict: 'too-few-repetitions',
      reason: `too few repetitions for a verdict: ${n} baseline and ${m} candidate; a rank test at α ${options.alpha} needs at least ${need} on each side`,
    };
  }
  const random = mulberry32(options.seed);
  const u = wilcoxonRankSum([...candidate], [...baseline]) - (m * (m + 1)) / 2;
  const ranks = midRanks([...candidate, ...baseline]);
  const pValue = permutationTest(ranks.slice(0, m), ranks.slice(m), 'greater', options.permutations ?? 10_000, random);
  const ratios: number[] = [];
  for (let i = 0; i < (options.resamples ?? 2_000); i++) {
    ratios.push(ratioOf(median(sampleWithReplacement([...candidate], m, random)), median(sampleWithReplacement([...baseline], n, random))));
  }
  const interval: [number, number] = [quantile(ratios, options.alpha / 2), quantile(ratios, 1 - options.alpha / 2)];
  const ratio = ratioOf(cand.median, base.median);
  return { baseline: base, candidate: cand, ratio, interval, u, pValue, ...judge(ratio, pValue, options) };
}

/**
 * The verdict from a ratio and a p-value (raw, or adjusted for the number of comparisons): a regression
 * is significant and beyond the tolerance; an improvement is the mirror image.
 */
export function judge(ratio: number, pValue: number, options: Pick<CompareOptions, 'alpha' | 'tolerance'>): { verdict: Verdict; reason: string } {
  const significant = pValue < options.alpha;
  const pct = `${Math.round(options.tolerance * 100)}%`;
  if (significant && ratio > 1 + options.tolerance) {
    return { verdict: 'regression', reason: `slower by more than the ${pct} tolerance, and significant (p ${formatP(pValue)} < ${options.alpha})` };
  }
  if (significant) return { verdict: 'unchanged', reason: `slower (p ${formatP(pValue)}), but within the ${pct} tolerance` };
  if (ratio < 1 / (1 + options.tolerance) && 1 - pValue < options.alpha) return { verdict: 'improvement', reason: `faster by more than the ${pct} tolerance` };
  if (ratio > 1 + options.tolerance) {
    return { verdict: 'unchanged', reason: `beyond the ${pct} tolerance but not significant (p ${formatP(pValue)} ≥ ${options.alpha}): the runs vary too much to tell` };
  }
  return { verdict: 'unchanged', reason: 'no significant slowdown' };
}

/**
 * Holm's step-down adjustment: a gate over many variants × metrics would otherwise raise a false alarm
 * on some comparison far more often than alpha. NaN (no test) stays NaN.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).filter((x) => !Number.isNaN(x.p)).sort((a, b) => a.p - b.p);
  const adjusted = pValues.map(() => NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, p * (order.length - rank)));
    adjusted[i] = running;
  });
  return adjusted;
}

export function formatP(p: number): string {
  if (Number.isNaN(p)) return '—';
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}
