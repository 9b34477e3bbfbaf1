import type { HostInfo, RunResult, VariantResult } from '../results/model.js';
import type { Variant } from '../scenario/variant.js';
import type { LoadedScenario } from '../scenario/load.js';
import { newRunResult } from '../lab/run.js';
import { mergeShards } from '../results/mergeShards.js';
import { evaluateThresholds, storedThresholds } from '../gate/thresholds.js';

/** What came back from one shard: its results file (maybe partial) and, when it did not finish, why. */
export interface ShardOutcome {
  index: number;
  count: number;
  /** The shard's variants as the unsharded plan cuts them. */
  planned: Variant[];
  result?: RunResult;
  /** The task's own words, else the engine's, when the shard did not finish. */
  failure?: string;
}

// A variant that never ran because its task failed still appears, failed with the task's cause, so nothing goes missing silently.
function failedVariant(variant: Variant, cause: string): VariantResult {
  return {
    variant,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    phases: [],
    instances: [],
    timeline: [],
    limitsEnforced: false,
    notes: [],
    status: 'failed',
    error: { code: 'SHARD_TASK_FAILED', message: cause, hint: 'the task\'s log: `docker service logs` while the job exists, or rerun this shard alone with `coldlab run --shard i/N`' },
  };
}

/** One shard's RunResult, every planned variant accounted for: what it measured, the rest failed with the task's cause. */
export function completeShard(outcome: ShardOutcome, loaded: LoadedScenario, plan: string[], fallbackHost: HostInfo, runId: string): RunResult {
  const shard = { index: outcome.index, count: outcome.count, plan };
  const base = outcome.result ?? { ...newRunResult(`${runId}-shard${outcome.index}of${outcome.count}`, loaded, fallbackHost), shard };
  const ran = new Set(base.variants.map((v) => v.variant.id));
  const cause = outcome.failure ?? 'the task ended without sending results';
  const missing = outcome.planned.filter((v) => !ran.has(v.id)).map((v) => failedVariant(v, cause));
  if (outcome.result && outcome.result.complete && missing.length === 0) return outcome.result;
  // Accounted for: every variant is here, measured or failed, so the run is not "interrupted" (exit 1, not 130).
  return { ...base, variants: [...base.variants, ...missing], complete: true };
}

/** The job's merged result under the job's own run id, thresholds judged again on the whole. */
export function mergeJob(shards: RunResult[], runId: string, allowMixedHosts: boolean): { merged: RunResult; missing: number[] } {
  const { merged, missing } = mergeShards(shards, { allowMixedHosts });
  merged.runId = runId;
  const thresholds = storedThresholds(merged);
  if (thresholds.length > 0) merged.thresholdResults = evaluateThresholds(thresholds, merged.variants, merged.prices);
  else delete merged.thresholdResults;
  return { merged, missing };
}
