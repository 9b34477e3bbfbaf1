import type { ThresholdOutcome } from '../../results/model.js';
import { textTable } from '../../present/textTable.js';
import { formatMetric, metricUnit } from '../../gate/metrics.js';
import { formatP } from '../../gate/stats.js';
import type { GateReport, MetricComparison } from '../../gate/compare.js';

const VERDICT_WORD = { regression: 'REGRESSION', improvement: 'faster', unchanged: 'ok', 'too-few-repetitions': 'too few repetitions' } as const;

export const ratioText = (r: number): string => (Number.isFinite(r) ? `×${r.toFixed(3)}` : r === Infinity ? '×∞' : '—');
export const intervalText = (c: MetricComparison): string =>
  Number.isNaN(c.interval[0]) ? '—' : `[${c.interval[0].toFixed(3)}, ${Number.isFinite(c.interval[1]) ? c.interval[1].toFixed(3) : '∞'}]`;

/** The measured value of a threshold, or why there is none. */
export const measuredText = (o: ThresholdOutcome): string => (o.measured === undefined ? `— (${o.note ?? 'no data'})` : formatMetric(o.measured, metricUnit(o.metric)));

/** Each threshold with its measured value and ✓/✗, grouped by variant. */
export function formatThresholds(outcomes: readonly ThresholdOutcome[]): string {
  if (outcomes.length === 0) return '';
  const failed = outcomes.filter((o) => !o.passed).length;
  const rows = outcomes.map((o) => [o.passed ? '✓' : '✗', o.variantKey, o.phase ?? 'all phases', o.expression, measuredText(o)]);
  const heading = failed === 0 ? `thresholds: all ${outcomes.length} passed` : `thresholds: ${failed} of ${outcomes.length} FAILED`;
  return `${heading}\n${textTable([['', 'variant', 'phase', 'threshold', 'measured'], ...rows], ['left', 'left', 'left', 'left', 'right'])}\n`;
}

/** Per metric: baseline, candidate, ratio with its interval, p-value, verdict; then the comparison's verdict (the gate's own comes last, from verdict.ts). */
export function formatGate(report: GateReport, labels: { baseline: string; candidate: string }): string {
  const lines: string[] = [`gate: ${labels.candidate} against ${labels.baseline}`];
  if (report.comparisons.length > 0) {
    const rows = report.comparisons.map((c) => [
      c.variantKey,
      c.metric,
      `${formatMetric(c.baseline.median, c.unit)} (n=${c.baseline.n})`,
      `${formatMetric(c.candidate.median, c.unit)} (n=${c.candidate.n})`,
      ratioText(c.ratio),
      intervalText(c),
      formatP(c.pValue),
      `±${Math.round(c.tolerance * 100)}%`,
      VERDICT_WORD[c.verdict],
    ]);
    const head = ['variant', 'metric', 'baseline', 'candidate', 'ratio', '95% interval', 'p-value', 'tolerance', 'verdict'];
    lines.push(textTable([head, ...rows], ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']));
    lines.push('  baseline, candidate: median of the per-repetition figures (n = repetitions); ratio: candidate / baseline with a bootstrap interval;');
    lines.push('  p-value: one-sided Mann-Whitney U (candidate slower), Holm-adjusted over the comparisons');
    for (const c of report.comparisons.filter((x) => x.verdict !== 'unchanged')) lines.push(`  ${c.variantKey} ${c.metric}: ${c.reason}`);
  }
  for (const key of report.unmatched) lines.push(`  ${key}: present in one run only, not compared`);
  for (const reason of report.invalid) lines.push(`  invalid: ${reason}`);
  lines.push(`comparison: ${report.verdict.toUpperCase()} — ${report.summary}`);
  return `${lines.join('\n')}\n`;
}
