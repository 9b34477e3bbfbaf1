import { resolve } from 'node:path';
import os from 'node:os';
import type { IO } from './io.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { expandVariants } from '../scenario/matrix.js';
import type { Variant } from '../scenario/variant.js';
import { runScenario } from '../lab/run.js';
import { writeReport } from '../report/write.js';
import { formatVariantSummary, formatRunSummary } from '../report/summary.js';
import { reportFailure } from './failure.js';
import { describeVariant } from './describe.js';
import { checkFolderTarget } from './outputPath.js';
import { terminalSafe } from '../util/terminal.js';
import { advise } from '../advise/index.js';
import { formatAdvice } from '../advise/text.js';
import { renderMarkdownSummary, writeMarkdownSummary } from '../report/markdown.js';
import { ColdlabError, EXIT, type ExitCode } from '../util/errors.js';
import { parseShard, shardOf } from '../scenario/shard.js';
import type { ShardInfo, ThresholdOutcome } from '../results/model.js';
import { formatThresholds } from '../report/gate/format.js';
import { writeGateOutputs } from './gateOutputs.js';
import { exitCodeFor, worstExit } from './exit.js';
import { runUntrusted } from './gate.js';
import { abCommand } from './ab.js';
import { isAbRun, type RunCommandOptions } from './runOptions.js';
import { withRunContext } from './pipeline.js';

export type { RunCommandOptions };

export { exitCodeFor };

// Every scenario is validated before anything starts, so a typo in the third file costs nothing.
async function loadAll(io: IO, files: string[], verbose: boolean): Promise<LoadedScenario[] | ExitCode> {
  const loaded: LoadedScenario[] = [];
  let worst: ExitCode = EXIT.ok;
  for (const file of files) {
    try {
      loaded.push(await loadScenario(resolve(io.cwd, file)));
    } catch (error) {
      const code = reportFailure(io, error, verbose);
      worst = worst === EXIT.ok ? code : worst;
    }
  }
  return worst === EXIT.ok ? loaded : worst;
}


export async function runCommand(io: IO, files: string[], options: RunCommandOptions): Promise<number> {
  const verbose = Boolean(options.verbose);
  const loaded = await loadAll(io, files, verbose);
  if (!Array.isArray(loaded)) return loaded;
  let shard: ReturnType<typeof parseShard> | undefined;
  try {
    shard = options.shard === undefined ? undefined : parseShard(options.shard);
  } catch (error) {
    return reportFailure(io, error, verbose);
  }
  if (isAbRun(loaded, options)) {
    if (shard) return reportFailure(io, new ColdlabError('SHARD_AB', '--shard cannot split an A/B run', 'run the A/B comparison in one job: its rounds must share one host', EXIT.usage), verbose);
    return abCommand(io, loaded, options);
  }
  const plans = loaded.map((l) => {
    const all = expandVariants(l.scenario, { hostCores: os.cpus().length });
    // Each shard records the whole plan, so a merge restores run order and names a missing shard.
    const info: ShardInfo | undefined = shard && { ...shard, plan: all.map((v) => v.id) };
    return { loaded: l, variants: shard ? shardOf(all, shard) : all, ...(info ? { shard: info } : {}) };
  });
  if (options.dryRun) {
    if (options.json) io.out(`${JSON.stringify(plans.map((p) => ({ scenario: p.loaded.file, variants: p.variants })), null, 2)}\n`);
    else for (const plan of plans) io.out(terminalSafe(`${plan.loaded.file}: ${plan.variants.length} variant(s)\n${plan.variants.map((v: Variant) => `  ${describeVariant(v)}`).join('\n')}\n`));
    return EXIT.ok;
  }
  try {
    // A file where the output folder should be would only fail after the first variant ran.
    for (const plan of plans) checkFolderTarget(resolve(io.cwd, options.out ?? plan.loaded.scenario.output), options.out ? '-o' : 'output');
    return await withRunContext(io, options, plans.flatMap((p) => p.variants.map((v) => v.runtime)), async (ctx) => {
      let exit = 0;
      // One summary for all the scenarios of this command, written once they have run (or been interrupted).
      const markdown: string[] = [];
      const outcomes: ThresholdOutcome[] = [];
      let untrusted = false;
      for (const plan of plans) {
        if (ctx.signal.aborted) break;
        const progress = ctx.progress();
        const output = await runScenario({
          loaded: plan.loaded,
          variants: plan.variants,
          host: ctx.host,
          outDir: resolve(io.cwd, options.out ?? plan.loaded.scenario.output),
          signal: ctx.signal,
          ...(ctx.pricesOverride ? { pricesOverride: ctx.pricesOverride } : {}),
          ...(plan.shard ? { shard: plan.shard } : {}),
          events: ctx.endpoint.wrap({
            ...progress,
            variantStarted: (v, i, n) => !ctx.quiet && io.err(terminalSafe(`\n▶ [${i + 1}/${n}] ${describeVariant(v)}\n`)),
            leftoversRemoved: (runtime, removed) =>
              io.err(terminalSafe(`coldlab: removed ${removed.length} leftover(s) of an earlier ${runtime} run that did not finish: ${removed.join(', ')}\n`)),
            variantFinished: (r) => {
              progress.done();
              if (!ctx.quiet) io.err(`${terminalSafe(formatVariantSummary(r))}\n`);
            },
          }),
        }).finally(() => progress.done());
        const report = await writeReport(output.result, output.dir);
        const advice = advise(output.result);
        markdown.push(renderMarkdownSummary(output.result, advice));
        const judged = output.result.thresholdResults ?? [];
        if (options.json) io.out(`${JSON.stringify({ runId: output.result.runId, results: output.resultsFile, report: report.html, complete: output.result.complete, variants: output.result.variants.map((v) => ({ id: v.variant.id, status: v.status })), advice, ...(judged.length > 0 ? { thresholds: judged } : {}) })}\n`);
        else io.out(terminalSafe(`\n${formatRunSummary(output.result)}\n${options.quiet ? '' : `\n${formatAdvice(advice)}\n`}\nresults: ${output.resultsFile}\nreport:  ${report.html}\n`));
        if (judged.length > 0 && !options.json) io.out(terminalSafe(`\n${formatThresholds(judged)}`));
        outcomes.push(...judged);
        untrusted ||= runUntrusted(output.result);
        const code = exitCodeFor(output.result);
        exit = worstExit(exit, code === EXIT.ok && judged.some((o) => !o.passed) ? EXIT.gateFailed : code);
      }
      if (markdown.length > 0) {
        const written = await writeMarkdownSummary(markdown.join('\n'), { ...(options.summary ? { file: options.summary } : {}), cwd: io.cwd, env: io.env });
        if (options.summary && !options.json) io.out(`summary: ${written[0]}\n`);
      }
      // The gate's section goes after the run's summary in $GITHUB_STEP_SUMMARY (appended, never a competing file).
      await writeGateOutputs(io, { thresholds: outcomes, untrusted }, options.junit);
      return exit;
    });
  } catch (error) {
    return reportFailure(io, error, verbose);
  }
}
