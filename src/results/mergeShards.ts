import type { RunResult, VariantResult } from './model.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { separateHosts, stampHosts } from './shardHosts.js';

/** True when every input is a shard of the same planned run (`coldlab run --shard i/n`). */
export function areShards(results: readonly RunResult[]): boolean {
  const first = results[0]?.shard;
  return first !== undefined && results.every((r) => r.shard !== undefined && r.shard.count === first.count && r.shard.plan.join('\n') === first.plan.join('\n'));
}

/**
 * Puts the shards of one run back together: their variants in the unsharded run's order, each
 * repetition kept as its own entry (nothing is added up), so the merged file reads like the run that
 * was never split. A missing shard leaves the result incomplete and says which.
 */
export function mergeShards(results: readonly RunResult[], options: { allowMixedHosts?: boolean } = {}): { merged: RunResult; missing: number[] } {
  const first = results[0]!;
  const info = first.shard!;
  const seen = new Set<number>();
  for (const r of results) {
    if (seen.has(r.shard!.index)) {
      throw new ColdlabError('MERGE_SHARD_TWICE', `shard ${r.shard!.index}/${info.count} is given twice`, 'pass each shard\'s results.json once', EXIT.usage);
    }
    seen.add(r.shard!.index);
  }
  const byId = new Map<string, VariantResult>();
  // Shards from different hosts: every variant carries its own host, so the report can show it.
  for (const v of stampHosts(results)) byId.set(v.variant.id, v);
  const variants = info.plan.flatMap((id) => {
    const v = byId.get(id);
    return v ? [v] : [];
  });
  const missing = Array.from({ length: info.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const finished = results.map((r) => r.finishedAt).filter((f): f is string => f !== undefined).sort();
  const { shard: _shard, thresholdResults: _judged, ...rest } = first;
  const merged: RunResult = {
    ...rest,
    runId: first.runId.replace(/-shard\d+of\d+$/, ''),
    startedAt: results.map((r) => r.startedAt).sort()[0] ?? first.startedAt,
    sources: results.map((r) => r.runId),
    complete: missing.length === 0 && results.every((r) => r.complete) && variants.length === info.plan.length,
    variants: separateHosts(variants, Boolean(options.allowMixedHosts)),
  };
  delete merged.finishedAt;
  if (merged.complete && finished.length > 0) merged.finishedAt = finished[finished.length - 1]!;
  return { merged, missing };
}
