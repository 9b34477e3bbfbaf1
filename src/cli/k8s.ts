import { resolve } from 'node:path';
import os from 'node:os';
import { stringify } from 'yaml';
import type { IO } from './io.js';
import { loadScenario } from '../scenario/load.js';
import { expandVariants } from '../scenario/matrix.js';
import { makeRunId } from '../lab/run.js';
import { reportFailure } from './failure.js';
import { exitCodeFor } from './exit.js';
import { checkFolderTarget } from './outputPath.js';
import { formatRunSummary } from '../report/summary.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';
import { makeBundle } from '../cluster/bundle.js';
import { configMap, indexedJob, k8sName } from '../cluster/k8sManifest.js';
import { collectShards } from '../cluster/k8sCollect.js';
import { refuseTaskRuntimes } from '../cluster/taskRuntimes.js';

export interface K8sManifestOptions {
  shards: string;
  image: string;
  name?: string;
  namespace?: string;
  resultsClaim?: string;
  parallelism?: string;
  verbose?: boolean;
}

function whole(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ColdlabError('K8S_FLAG', `${flag} "${text}" is not a whole number from 1 to 1000`, `e.g. ${flag} 4`, EXIT.usage);
  return n;
}

/** `coldlab k8s manifest`: a ConfigMap with the scenario's files and an Indexed Job of N shards, as YAML on stdout. */
export async function k8sManifestCommand(io: IO, file: string, options: K8sManifestOptions): Promise<number> {
  try {
    const shards = whole(options.shards, '--shards')!;
    const loaded = await loadScenario(resolve(io.cwd, file));
    if (loaded.scenario.baseline !== undefined) throw new ColdlabError('K8S_AB', 'an A/B scenario cannot be split across pods', 'run the A/B comparison in one job (`coldlab run --ab`)', EXIT.usage);
    const runId = makeRunId(loaded.scenario.name);
    const variants = expandVariants(loaded.scenario, { hostCores: os.cpus().length });
    refuseTaskRuntimes(variants, 'coldlab k8s manifest', 'k8s');
    const input = {
      name: k8sName(options.name ?? `coldlab-${loaded.scenario.name}`),
      ...(options.namespace ? { namespace: k8sName(options.namespace) } : {}),
      runId,
      image: options.image,
      shards,
      parallelism: whole(options.parallelism, '--parallelism') ?? shards,
      variants,
      bundle: await makeBundle(loaded),
      ...(options.resultsClaim ? { resultsClaim: options.resultsClaim } : {}),
    };
    io.out([configMap(input), indexedJob(input)].map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}

/** `coldlab k8s collect DIR`: the shards' results.json files merged into one results.json and report. */
export async function k8sCollectCommand(io: IO, dir: string, options: { out?: string; allowMixedHosts?: boolean; verbose?: boolean }): Promise<number> {
  try {
    const from = resolve(io.cwd, dir);
    const out = resolve(io.cwd, options.out ?? resolve(from, 'merged'));
    checkFolderTarget(out, '-o');
    const got = await collectShards(from, out, Boolean(options.allowMixedHosts));
    io.out(terminalSafe(`${formatRunSummary(got.merged)}\nresults: ${got.resultsFile}\nreport:  ${got.html}\n`));
    for (const f of got.failed) io.err(terminalSafe(`coldlab: shard ${f.shard} failed: ${f.why}\n`));
    if (got.missing.length > 0) io.err(`coldlab: shard(s) ${got.missing.join(', ')} wrote nothing: the merged result is marked incomplete\n`);
    if (got.failed.length > 0 || got.missing.length > 0) return EXIT.internal;
    return exitCodeFor(got.merged);
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
