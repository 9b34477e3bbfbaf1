import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../results/model.js';
import { readResults, writeResultsAtomic } from '../results/store.js';
import { areShards } from '../results/mergeShards.js';
import { writeReport } from '../report/write.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { mergeJob } from './shardResults.js';

export interface Collected {
  merged: RunResult;
  resultsFile: string;
  html: string;
  /** Shards that wrote no results.json, with their failure.txt when they left one. */
  failed: Array<{ shard: number; why: string }>;
  missing: number[];
}

// The pods write <dir>/shard-<i>/results.json (or failure.txt); a copy of the volume may nest them a level or two deeper.
async function shardDirs(dir: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) {
    const match = /^shard-(\d+)$/.exec(e.name);
    if (e.isDirectory() && match && !found.has(Number(match[1]))) found.set(Number(match[1]), join(e.parentPath, e.name));
  }
  return found;
}

/** Merges what the shards of an Indexed Job wrote under `dir` into one results.json and report in `out`. */
export async function collectShards(dir: string, out: string, allowMixedHosts: boolean): Promise<Collected> {
  const dirs = await shardDirs(dir);
  const results: RunResult[] = [];
  const failed: Collected['failed'] = [];
  for (const [shard, path] of [...dirs].sort(([a], [b]) => a - b)) {
    const result = await readResults(join(path, 'results.json')).catch(() => undefined);
    const why = await readFile(join(path, 'failure.txt'), 'utf8').catch(() => undefined);
    if (result) results.push(result);
    if (why !== undefined || !result) failed.push({ shard, why: why?.trim() ?? 'no results.json and no failure.txt' });
  }
  if (results.length === 0 || !areShards(results)) {
    throw new ColdlabError('K8S_NO_SHARDS', `no shard results of one run under ${dir}`, 'copy the results volume (each shard-<i>/ folder) here first, e.g. `kubectl cp <pod>:/var/lib/coldlab/results ./shards`', EXIT.usage);
  }
  const runId = results[0]!.runId.replace(/-shard\d+of\d+$/, '');
  const { merged, missing } = mergeJob(results, runId, allowMixedHosts);
  const resultsFile = join(out, 'results.json');
  await writeResultsAtomic(resultsFile, merged);
  const { html } = await writeReport(merged, out);
  return { merged, resultsFile, html, failed, missing };
}
