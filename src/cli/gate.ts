import { resolve } from 'node:path';
import { costsByKey } from '../billing/variantCost.js';
import { resolvePrices } from '../scenario/prices.js';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import { reportFailure } from './failure.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { gateOptions, type GateFlags } from '../gate/options.js';
import { compareRuns, type GateReport } from '../gate/compare.js';
import { evaluateThresholds, storedThresholds } from '../gate/thresholds.js';
import { formatGate, formatThresholds } from '../report/gate/format.js';
import { writeGateOutputs } from './gateOutputs.js';
import { parseThreshold, type Threshold } from '../scenario/thresholdExpression.js';
import { overallVerdict, verdictLine } from '../gate/verdict.js';
import type { RunResult, ThresholdOutcome } from '../results/model.js';
import { crossHostPairs, describeCrossHost } from '../results/hosts.js';

export interface GateCommandOptions extends GateFlags {
  baseline?: string;
  junit?: string;
  threshold?: string[];
  json?: boolean;
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

// `--threshold "warm.p99 < 50ms"` for every phase, `--threshold "steady: warm.p99 < 50ms"` for one.
function thresholdsFromFlags(specs: readonly string[]): Threshold[] {
  return specs.map((spec) => {
    const scoped = /^\s*([A-Za-z0-9._-]+)\s*:\s*(.+)$/.exec(spec);
    const parsed = scoped ? parseThreshold(scoped[2]!, scoped[1]!) : parseThreshold(spec);
    if (!parsed.ok) throw new ColdlabError('GATE_BAD_THRESHOLD', `--threshold: ${parsed.message}`, `${parsed.hint}; scope one to a phase with "steady: warm.p99 < 50ms"`, EXIT.usage);
    return parsed.threshold;
  });
}

export async function gateCommand(io: IO, candidateFile: string, options: GateCommandOptions): Promise<number> {
  try {
    // Given on the command line, thresholds replace the stored ones: a way to try a limit on existing results.
    const flagged = thresholdsFromFlags(options.threshold ?? []);
    const candidate = await readResults(resolve(io.cwd, candidateFile));
    const thresholds = flagged.length > 0 ? flagged : storedThresholds(candidate);
    if (options.baseline === undefined && thresholds.length === 0) {
      throw new ColdlabError('GATE_NOTHING', `${candidateFile} has no thresholds and no --baseline was given: nothing to gate`, 'pass --threshold "warm.p99 < 50ms", or --baseline base.json to compare with a baseline run, or add thresholds: to the scenario', EXIT.usage);
    }
    const outcomes: ThresholdOutcome[] = evaluateThresholds(thresholds, candidate.variants, candidate.prices);
    let report: GateReport | undefined;
    let labels: { baseline: string; candidate: string } | undefined;
    if (options.baseline !== undefined) {
      const baseline = await readResults(resolve(io.cwd, options.baseline));
      checkSameHosts(io, baseline, candidate, Boolean(options.allowMixedHosts));
      report = compareRuns(baseline, candidate, await gateOptions(options));
      labels = { baseline: baseline.runId, candidate: candidate.runId };
    }
    const parts = { thresholds: outcomes, untrusted: runUntrusted(candidate), ...(report ? { gate: report } : {}), ...(labels ? { labels } : {}) };
    const overall = overallVerdict(parts);
    if (options.json) {
      // The candidate's cost per variant key, billed as advise and compare bill it.
      const costs = costsByKey(candidate.variants, resolvePrices(candidate.prices));
      io.out(`${JSON.stringify({ ...overall, thresholds: outcomes, costs, ...(report ? { comparison: report, labels } : {}) }, null, 2)}\n`);
    } else {
      if (outcomes.length > 0) io.out(formatThresholds(outcomes));
      if (report && labels) io.out(formatGate(report, labels));
      io.out(verdictLine(overall));
    }
    await writeGateOutputs(io, parts, options.junit);
    return overall.exitCode;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
