import { resolve } from 'node:path';
import type { IO } from './io.js';
import { loadScenario } from '../scenario/load.js';
import { reportFailure } from './failure.js';
import { interruptible } from './interrupt.js';
import { checkFolderTarget } from './outputPath.js';
import { exitCodeFor } from './exit.js';
import { formatRunSummary } from '../report/summary.js';
import { formatThresholds } from '../report/gate/format.js';
import { hostClassesOf } from '../results/hosts.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';

export interface SwarmRunOptions {
  shards: string;
  maxConcurrent?: string;
  out?: string;
  image?: string;
  collector?: string;
  allowMixedHosts?: boolean;
  hostCgroups?: boolean;
  verbose?: boolean;
}

function count(text: string | undefined, flag: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ColdlabError('SWARM_FLAG', `${flag} "${text}" is not a whole number from 1 to ${max}`, `e.g. ${flag} 2`, EXIT.usage);
  return n;
}

/** `coldlab swarm run SCENARIO --shards N`: the scenario's shards as one swarm job, merged into one results.json and report. */
export async function swarmRunCommand(io: IO, file: string, options: SwarmRunOptions): Promise<number> {
  const verbose = Boolean(options.verbose);
  let input;
  try {
    const shards = count(options.shards, '--shards', 1000)!;
    const maxConcurrent = count(options.maxConcurrent, '--max-concurrent', 1000);
    const loaded = await loadScenario(resolve(io.cwd, file));
    if (loaded.scenario.baseline !== undefined) throw new ColdlabError('SWARM_AB', 'an A/B scenario cannot be split across tasks', 'run the A/B comparison in one job (`coldlab run --ab`): its rounds must share one host', EXIT.usage);
    const outDir = resolve(io.cwd, options.out ?? loaded.scenario.output);
    checkFolderTarget(outDir, options.out ? '-o' : 'output');
    input = { loaded, shards, ...(maxConcurrent ? { maxConcurrent } : {}), outDir, ...(options.image ? { image: options.image } : {}), ...(options.collector ? { collectorHost: options.collector } : {}) };
  } catch (error) {
    return reportFailure(io, error, verbose);
  }
  const { signal, release } = interruptible(io);
  try {
    const { swarmRun } = await import('../cluster/swarmRun.js');
    const out = await swarmRun({ ...input, allowMixedHosts: Boolean(options.allowMixedHosts), hostCgroups: Boolean(options.hostCgroups), signal, log: (line) => io.err(terminalSafe(`${line}\n`)) });
    io.out(terminalSafe(`\n${formatRunSummary(out.merged)}\n`));
    for (const [shard, why] of out.failures) io.err(terminalSafe(`coldlab: shard ${shard}/${input.shards} failed: ${why}\n`));
    if (out.leftovers.length > 0) io.err(terminalSafe(`coldlab: task containers still present after removing the job: ${out.leftovers.join(', ')} (\`coldlab doctor --cleanup\` removes them)\n`));
    // Inside a task the cgroup tree is read-only: without the node's, instances run unbounded (cold starts look faster).
    if (!options.hostCgroups && out.merged.variants.some((v) => v.variant.runtime === 'process' && !v.limitsEnforced)) {
      io.err('coldlab: warning: memory/CPU limits were not enforced inside the tasks; pass --host-cgroups to mount each node\'s cgroup tree so they are\n');
    }
    const classes = hostClassesOf(out.merged);
    if (classes.size > 1) io.err(terminalSafe(`coldlab: warning: the shards ran on ${classes.size} host classes (${[...classes.values()].join(', ')}); comparisons across them measure the hosts too\n`));
    io.out(`timings: image ${out.seconds.image} s, job ${out.seconds.job} s, merge and report ${out.seconds.merge} s\nresults: ${out.resultsFile}\nreport:  ${out.html}\n`);
    const judged = out.merged.thresholdResults ?? [];
    if (judged.length > 0) io.out(terminalSafe(`\n${formatThresholds(judged)}`));
    const code = exitCodeFor(out.merged);
    return code === EXIT.ok && judged.some((o) => !o.passed) ? EXIT.gateFailed : code;
  } catch (error) {
    return reportFailure(io, error, verbose);
  } finally {
    release();
  }
}
