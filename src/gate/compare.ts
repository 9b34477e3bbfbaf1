import type { RunResult, VariantResult } from '../results/model.js';
import { compareSamples, holmAdjust, judge, type SampleComparison } from './stats.js';
import { metricUnit, readMetric, type MetricUnit } from './metrics.js';
import { resolvePrices, type Prices } from '../scenario/prices.js';
import { byKey } from './thresholds.js';

export const DEFAULT_GATE_METRICS = ['cold.p50', 'warm.p50', 'warm.p99'] as const;

export interface GateOptions {
  metrics: readonly string[];
  alpha: number;
  /** Default tolerance (0.10 = 10%), and per-metric ones that override it. */
  tolerance: number;
  tolerances: Readonly<Record<string, number>>;
  seed: number;
  /** Too few repetitions fails the gate instead of passing with a warning. */
  strict: boolean;
}

export interface MetricComparison extends SampleComparison {
  /** The p-value before Holm's adjustment over all comparisons of the gate (`pValue` is the adjusted one). */
  rawPValue: number;
  variantKey: string;
  metric: string;
  unit: MetricUnit;
  tolerance: number;
}

export type GateVerdict = 'pass' | 'fail' | 'invalid';

export interface GateReport {
  comparisons: MetricComparison[];
  /** Runs or rounds that cannot be trusted: any of them makes the gate invalid (exit 4), never a pass. */
  invalid: string[];
  /** Variant keys present on one side only. */
  unmatched: string[];
  verdict: GateVerdict;
  /** One line saying why. */
  summary: string;
}

// Each usable repetition of a variant gives one figure; the statistics compare those figures.
function figures(group: readonly VariantResult[], metric: string, prices: Prices): number[] {
  return group.filter((v) => v.status === 'completed').flatMap((v) => {
    const value = readMetric(metric, v.phases, [v], prices);
    return value === undefined ? [] : [value];
  });
}

function untrusted(label: string, result: RunResult): string[] {
  const reasons = result.variants.flatMap((v) =>
    v.status === 'invalid' ? [`${label} ${v.variant.id}: ${v.invalidReasons.join('; ')}`] : v.status === 'failed' ? [`${label} ${v.variant.id} failed: ${v.error.message}`] : [],
  );
  if (!result.complete) reasons.push(`${label} run ${result.runId} did not finish (interrupted)`);
  return reasons;
}

/** Compares a candidate run with a baseline run, variant by variant and metric by metric. */
export function compareRuns(baseline: RunResult, candidate: RunResult, options: GateOptions): GateReport {
  // Both sides priced at the baseline's prices, so a cost difference is the runs', not the price lists'.
  const prices = resolvePrices(baseline.prices);
  const base = byKey(baseline.variants);
  const cand = byKey(candidate.variants);
  const unmatched = [...[...base.keys()].filter((k) => !cand.has(k)), ...[...cand.keys()].filter((k) => !base.has(k))];
  const raw: Array<Omit<MetricComparison, 'rawPValue'>> = [];
  let seed = options.seed;
  for (const [variantKey, baseGroup] of base) {
    const candGroup = cand.get(variantKey);
    if (!candGroup) continue;
    for (const metric of options.metrics) {
      const b = figures(baseGroup, metric, prices);
      const c = figures(candGroup, metric, prices);
      // A metric neither side measured (no cold request with provisioned instances) has nothing to compare.
      if (b.length === 0 && c.length === 0) continue;
      const tolerance = options.tolerances[metric] ?? options.tolerance;
      // Each comparison draws from its own seed, so adding a metric does not change another's interval.
      raw.push({ variantKey, metric, unit: metricUnit(metric), tolerance, ...compareSamples(b, c, { alpha: options.alpha, tolerance, seed: seed++ }) });
    }
  }
  const adjusted = holmAdjust(raw.map((c) => c.pValue));
  const comparisons: MetricComparison[] = raw.map((c, i) => {
    const pValue = adjusted[i] ?? NaN;
    // Too few repetitions stays as said; every other verdict is taken again on the adjusted p-value.
    const verdict = c.verdict === 'too-few-repetitions' ? { verdict: c.verdict, reason: c.reason } : judge(c.ratio, pValue, { alpha: options.alpha, tolerance: c.tolerance });
    return { ...c, ...verdict, pValue, rawPValue: c.pValue };
  });
  const invalid = [...untrusted('baseline', baseline), ...untrusted('candidate', candidate)];
  return { comparisons, invalid, unmatched, ...decide(comparisons, invalid, unmatched, options) };
}

function decide(comparisons: MetricComparison[], invalid: string[], unmatched: string[], options: GateOptions): Pick<GateReport, 'verdict' | 'summary'> {
  if (invalid.length > 0) return { verdict: 'invalid', summary: `invalid: ${invalid.length} run(s) or round(s) cannot be trusted, so there is no verdict` };
  const regressions = comparisons.filter((c) => c.verdict === 'regression');
  const tooFew = comparisons.filter((c) => c.verdict === 'too-few-repetitions');
  if (regressions.length > 0) return { verdict: 'fail', summary: `regression: ${regressions.map((c) => `${c.metric} ×${c.ratio.toFixed(2)}`).join(', ')}` };
  if (comparisons.length === 0) {
    const why = unmatched.length > 0 ? 'the two runs share no variant' : 'no metric was measured on either side';
    return { verdict: options.strict ? 'fail' : 'pass', summary: `nothing compared: ${why}` };
  }
  if (tooFew.length > 0) {
    const text = `too few repetitions for a verdict on ${tooFew.length} of ${comparisons.length} comparison(s): ${tooFew[0]!.reason}`;
    return options.strict ? { verdict: 'fail', summary: `${text} (--strict: not a pass)` } : { verdict: 'pass', summary: `no regression found, but ${text}` };
  }
  return { verdict: 'pass', summary: `no regression in ${comparisons.length} comparison(s)` };
}
