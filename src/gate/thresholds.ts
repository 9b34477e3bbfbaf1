import type { PhaseResult, RunResult, ThresholdOutcome, ThresholdSpec, VariantResult } from '../results/model.js';
import { parseThreshold, holds, type Threshold } from '../scenario/thresholdExpression.js';
import { readMetric } from './metrics.js';
import type { Prices } from '../scenario/prices.js';

/** Variants grouped by key in run order: the repetitions of one matrix cell are judged together. */
export function byKey(variants: readonly VariantResult[]): Map<string, VariantResult[]> {
  const groups = new Map<string, VariantResult[]>();
  for (const v of variants) groups.set(v.variant.key, [...(groups.get(v.variant.key) ?? []), v]);
  return groups;
}

const phasesOf = (group: readonly VariantResult[], phase: string | undefined): PhaseResult[] =>
  group.flatMap((v) => v.phases.filter((p) => phase === undefined || p.name === phase));

// What "no figure" means for this metric, so the user reads why a threshold had nothing to judge.
function noDataNote(metric: string): string {
  if (metric.startsWith('cold.') || metric.startsWith('init.')) return 'no cold requests';
  if (metric.startsWith('warm.')) return 'no warm requests';
  if (metric === 'cost.perMillion') return 'no cost figure';
  return 'no requests';
}

/** Judges every threshold on every variant key; percentiles come from the repetitions' added histograms. */
export function evaluateThresholds(thresholds: readonly Threshold[], variants: readonly VariantResult[], prices?: Prices): ThresholdOutcome[] {
  const outcomes: ThresholdOutcome[] = [];
  for (const [variantKey, group] of byKey(variants)) {
    const usable = group.filter((v) => v.status !== 'failed');
    for (const t of thresholds) {
      const base = { variantKey, expression: t.expression, metric: t.metric, ...(t.phase === undefined ? {} : { phase: t.phase }) };
      if (usable.length === 0) {
        outcomes.push({ ...base, passed: false, note: 'the variant failed' });
        continue;
      }
      const measured = readMetric(t.metric, phasesOf(usable, t.phase), usable, prices);
      // Nothing to measure (no cold request in a provisioned variant…) cannot break a latency limit.
      if (measured === undefined) outcomes.push({ ...base, passed: true, note: noDataNote(t.metric) });
      else outcomes.push({ ...base, measured, passed: holds(measured, t.op, t.limit) });
    }
  }
  return outcomes;
}

/** Thresholds stored in a results file, parsed again (a file written by this coldlab always parses). */
export function storedThresholds(result: RunResult): Threshold[] {
  return (result.thresholds ?? []).flatMap((spec: ThresholdSpec) => {
    const parsed = parseThreshold(spec.expression, spec.phase);
    return parsed.ok ? [parsed.threshold] : [];
  });
}

export const toSpecs = (thresholds: readonly Threshold[]): ThresholdSpec[] =>
  thresholds.map((t) => ({ expression: t.expression, ...(t.phase === undefined ? {} : { phase: t.phase }) }));
