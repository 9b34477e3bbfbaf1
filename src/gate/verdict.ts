import type { ThresholdOutcome } from '../results/model.js';
import { EXIT } from '../util/errors.js';
import type { GateReport, GateVerdict } from './compare.js';

/** What the whole gate says: thresholds and baseline comparison together, with the exit code it ends with. */
export interface OverallVerdict {
  verdict: GateVerdict;
  exitCode: number;
  summary: string;
}

export interface VerdictParts {
  thresholds?: readonly ThresholdOutcome[];
  gate?: GateReport;
  /** The candidate run itself cannot be trusted (invalid or incomplete) when there is no comparison to say so. */
  untrusted?: boolean;
  /** false for an A/A run: its comparison measures noise and informs, it does not gate. */
  comparisonGates?: boolean;
}

/**
 * The one verdict every output prints (last terminal line, job summary heading, --json, exit code), so they
 * cannot disagree: invalid (4) wins over failed (99), since figures from an invalid run prove nothing either way.
 */
export function overallVerdict(parts: VerdictParts): OverallVerdict {
  const thresholds = parts.thresholds ?? [];
  const failed = thresholds.filter((t) => !t.passed).length;
  const said: string[] = [];
  if (thresholds.length > 0) said.push(failed === 0 ? `all ${thresholds.length} threshold(s) passed` : `${failed} of ${thresholds.length} threshold(s) failed`);
  if (parts.gate) said.push(`comparison: ${parts.gate.summary}`);
  const invalid = parts.gate ? parts.gate.verdict === 'invalid' : parts.untrusted === true;
  if (invalid && !parts.gate) said.push('the run is invalid or incomplete');
  const comparisonFailed = parts.comparisonGates !== false && parts.gate?.verdict === 'fail';
  const summary = said.join('; ') || 'nothing judged';
  if (invalid) return { verdict: 'invalid', exitCode: EXIT.runInvalid, summary };
  if (failed > 0 || comparisonFailed) return { verdict: 'fail', exitCode: EXIT.gateFailed, summary };
  return { verdict: 'pass', exitCode: EXIT.ok, summary };
}

/** The gate's last terminal line. */
export const verdictLine = (v: OverallVerdict): string => `verdict: ${v.verdict.toUpperCase()} — ${v.summary} (exit ${v.exitCode})\n`;
