import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults, writeResultsAtomic } from '../results/store.js';
import { mergeResults } from '../results/merge.js';
import { areShards, mergeShards } from '../results/mergeShards.js';
import { evaluateThresholds, storedThresholds } from '../gate/thresholds.js';
import { formatThresholds } from '../report/gate/format.js';
import { reportFailure } from './failure.js';
import { checkFileTarget } from './outputPath.js';
import { EXIT } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';

export async function mergeCommand(io: IO, files: string[], options: { out: string; json?: boolean; verbose?: boolean; allowMixedHosts?: boolean }): Promise<number> {
  try {
    const out = resolve(io.cwd, options.out);
    checkFileTarget(out, '-o');
    const results = await Promise.all(files.map((f) => readResults(resolve(io.cwd, f))));
    const mixed = { allowMixedHosts: Boolean(options.allowMixedHosts) };
    const shards = areShards(results) ? mergeShards(results, mixed) : undefined;
    const merged = shards?.merged ?? mergeResults(results, mixed);
    // Thresholds are judged again on the merged figures: a shard alone saw only part of the variants.
    const thresholds = storedThresholds(merged);
    if (thresholds.length > 0) merged.thresholdResults = evaluateThresholds(thresholds, merged.variants, merged.prices);
    else delete merged.thresholdResults;
    await writeResultsAtomic(out, merged);
    const what = shards ? `${results.length} shard(s) of ${results[0]?.shard?.count}` : `${files.length} results`;
    if (shards && shards.missing.length > 0) io.err(`coldlab: shard(s) ${shards.missing.join(', ')} of ${results[0]?.shard?.count} missing: the merged result is marked incomplete\n`);
    if (options.json) {
      io.out(`${JSON.stringify({ merged: out, sources: files.length, variants: merged.variants.length, complete: merged.complete, ...(shards ? { missingShards: shards.missing } : {}), thresholds: merged.thresholdResults ?? [] }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.out(terminalSafe(`merged ${what} (${merged.variants.length} variants) into ${out}\n`));
    if (merged.thresholdResults) io.out(terminalSafe(formatThresholds(merged.thresholdResults)));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
