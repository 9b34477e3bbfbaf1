import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import { reportFailure } from './failure.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { gateOptions, type GateFlags } from '../gate/options.js';
import { compareRuns, type GateReport } from '../gate/compare.js';
import { evaluateThresholds, storedThresholds } from '../gate/thresholds.js';
import { formatGate, formatThresholds } from '../report/gate/format.js';
import { writeGateOutputs } from './gateOutputs.js';
import type { RunResult, ThresholdOutcome } from '../results/model.js';
import { crossHostPairs, describeCrossHost } from '../results/hosts.js';

export interface GateCommandOptions extends GateFlags {
  baseline?: string;
  junit?: string;
  verbose?: boolean;
  allowMixedHosts?: boolean;
}

/**
 * The exit code of a gate: an untrusted run is 4 (never a pass), a failed threshold or a regression 99.
 * Invalid wins over failed: figures from an invalid run prove nothing either way.
 */
export function gateExitCode(parts: { invalid: boolean; failed: boolean }): number {
  if (parts.invalid) return EXIT.runInvalid;
  return parts.failed ? EXIT.gateFailed : EXIT.ok;
}

export const runUntrusted = (r: RunResult): boolean => !r.complete || r.variants.some((v) => v.status !== 'completed');

// A baseline measured on another kind of machine would turn a hardware difference into a verdict.
function checkSameHosts(io: IO, baseline: RunResult, candidate: RunResult, allowed: boolean): void {
  const pairs = crossHostPairs(baseline, candidate);
  if (pairs.length === 0) return;
  const what = `the baseline ${baseline.runId} and the candidate ${candidate.runId} ran on hosts of different classes:\n${describeCrossHost(pairs)}`;
  if (!allowed) throw new ColdlabError('GATE_MIXED_HOSTS', what, 'take the baseline on the same class of host, or pass --allow-mixed-hosts to compare anyway', EXIT.usage);
  io.err(`coldlab: warning: ${what}\n  (compared anyway: --allow-mixed-hosts)\n`);
}

export async function gateCommand(io: IO, candidateFile: string, options: GateCommandOptions): Promise<number> {
  try {
    const candidate = await readResults(resolve(io.cwd, candidateFile));
    const thresholds = storedThresholds(candidate);
    if (options.baseline === undefined && thresholds.length === 0) {
      throw new ColdlabError('GATE_NOTHING', `${candidateFile} has no thresholds and no --baseline was given: nothing to gate`, 'pass --baseline base.json to compare with a baseline run, or add thresholds: to the scenario', EXIT.usage);
    }
    const outcomes: ThresholdOutcome[] = evaluateThresholds(thresholds, candidate.variants, candidate.prices);
    if (outcomes.length > 0) io.out(formatThresholds(outcomes));
    let report: GateReport | undefined;
    let labels: { baseline: string; candidate: string } | undefined;
    if (options.baseline !== undefined) {
      const baseline = await readResults(resolve(io.cwd, options.baseline));
      checkSameHosts(io, baseline, candidate, Boolean(options.allowMixedHosts));
      report = compareRuns(baseline, candidate, await gateOptions(options));
      labels = { baseline: baseline.runId, candidate: candidate.runId };
      io.out(formatGate(report, labels));
    }
    await writeGateOutputs(io, { thresholds: outcomes, ...(report ? { gate: report } : {}), ...(labels ? { labels } : {}) }, options.junit);
    return gateExitCode({
      invalid: report ? report.verdict === 'invalid' : runUntrusted(candidate),
      failed: outcomes.some((o) => !o.passed) || report?.verdict === 'fail',
    });
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
