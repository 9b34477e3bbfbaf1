import type { ThresholdOutcome } from '../../results/model.js';
import type { GateReport } from '../../gate/compare.js';
import { formatMetric } from '../../gate/metrics.js';
import { formatP } from '../../gate/stats.js';
import { intervalText, measuredText, ratioText } from './format.js';
import { overallVerdict, type VerdictParts } from '../../gate/verdict.js';

// Pipes would split a Markdown table cell.
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

/** The gate's section of a GitHub job summary: thresholds and comparisons with their figures. */
export function gateMarkdown(parts: VerdictParts & { thresholds?: readonly ThresholdOutcome[]; gate?: GateReport; labels?: { baseline: string; candidate: string } }): string {
  const overall = overallVerdict(parts);
  const headIcon = overall.verdict === 'pass' ? '✅' : overall.verdict === 'fail' ? '❌' : '⚠️';
  // The heading is the verdict the exit code carries; the sections below give its parts.
  const out: string[] = [`### coldlab gate: ${headIcon} ${overall.verdict}`, '', `${overall.summary} (exit ${overall.exitCode})`, ''];
  const thresholds = parts.thresholds ?? [];
  if (thresholds.length > 0) {
    const failed = thresholds.filter((t) => !t.passed).length;
    out.push(`#### Thresholds: ${failed === 0 ? `✅ all ${thresholds.length} passed` : `❌ ${failed} of ${thresholds.length} failed`}`, '');
    out.push(table(['', 'variant', 'phase', 'threshold', 'measured'], thresholds.map((t) => [t.passed ? '✅' : '❌', `\`${t.variantKey}\``, t.phase ?? 'all', `\`${t.expression}\``, measuredText(t)])), '');
  }
  const gate = parts.gate;
  if (gate) {
    const icon = gate.verdict === 'pass' ? '✅' : gate.verdict === 'fail' ? '❌' : '⚠️';
    out.push(`#### Baseline comparison: ${icon} ${gate.verdict}`, '', gate.summary, '');
    if (parts.labels) out.push(`Candidate \`${parts.labels.candidate}\` against baseline \`${parts.labels.baseline}\`; figures are medians of the per-repetition values, the interval is a bootstrap 95% interval of the ratio of medians, the p-value a one-sided Mann-Whitney U test.`, '');
    if (gate.comparisons.length > 0) {
      const rows = gate.comparisons.map((c) => [
        `\`${c.variantKey}\``,
        c.metric,
        `${formatMetric(c.baseline.median, c.unit)} (n=${c.baseline.n})`,
        `${formatMetric(c.candidate.median, c.unit)} (n=${c.candidate.n})`,
        `${ratioText(c.ratio)} ${intervalText(c)}`,
        formatP(c.pValue),
        `${Math.round(c.tolerance * 100)}%`,
        c.verdict === 'regression' ? '❌ regression' : c.verdict === 'too-few-repetitions' ? '⚠️ too few repetitions' : c.verdict === 'improvement' ? '✅ faster' : '✅ ok',
      ]);
      out.push(table(['variant', 'metric', 'baseline', 'candidate', 'ratio [interval]', 'p-value', 'tolerance', 'verdict'], rows), '');
    }
    for (const reason of gate.invalid) out.push(`- ⚠️ invalid: ${reason}`);
    if (gate.invalid.length > 0) out.push('');
  }
  return out.join('\n');
}
