import { resolve } from 'node:path';
import os from 'node:os';
import type { IO } from './io.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { expandVariants } from '../scenario/matrix.js';
import type { Variant } from '../scenario/variant.js';
import type { RunResult } from '../results/model.js';
import { hostInfo } from '../metrics/host.js';
import { runScenario } from '../lab/run.js';
import { writeReport } from '../report/write.js';
import { formatVariantSummary, formatRunSummary } from '../report/summary.js';
import { progressEvents } from './progress.js';
import { reportFailure } from './failure.js';
import { describeVariant } from './describe.js';
import { preflight } from './preflight.js';
import { checkFolderTarget } from './outputPath.js';
import { terminalSafe } from '../util/terminal.js';
import { EXIT, type ExitCode } from '../util/errors.js';
import { advise } from '../advise/index.js';
import { formatAdvice } from '../advise/text.js';
import { loadPricesFile } from '../advise/pricesFile.js';
import type { PricesOverride } from '../advise/cost.js';
import { renderMarkdownSummary, writeMarkdownSummary } from '../report/markdown.js';

export interface RunCommandOptions {
  out?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  prices?: string;
  summary?: string;
}

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

/** The exit code a finished run deserves (DESIGN.md table); 130 after Ctrl-C, like any shell tool. */
export function exitCodeFor(result: RunResult): number {
  if (!result.complete) return 130;
  if (result.variants.some((v) => v.status === 'failed' && v.error.code === 'RUNTIME_UNAVAILABLE')) return EXIT.runtimeUnavailable;
  if (result.variants.some((v) => v.status === 'failed')) return EXIT.internal;
  if (result.variants.some((v) => v.status === 'invalid')) return EXIT.runInvalid;
  return EXIT.ok;
}

export async function runCommand(io: IO, files: string[], options: RunCommandOptions): Promise<number> {
  const verbose = Boolean(options.verbose);
  const loaded = await loadAll(io, files, verbose);
  if (!Array.isArray(loaded)) return loaded;
  const plans = loaded.map((l) => ({ loaded: l, variants: expandVariants(l.scenario, { hostCores: os.cpus().length }) }));
  if (options.dryRun) {
    if (options.json) io.out(`${JSON.stringify(plans.map((p) => ({ scenario: p.loaded.file, variants: p.variants })), null, 2)}\n`);
    else for (const plan of plans) io.out(terminalSafe(`${plan.loaded.file}: ${plan.variants.length} variant(s)\n${plan.variants.map((v: Variant) => `  ${describeVariant(v)}`).join('\n')}\n`));
    return EXIT.ok;
  }
  let pricesOverride: PricesOverride | undefined;
  try {
    // A file where the output folder should be would only fail after the first variant ran.
    for (const plan of plans) checkFolderTarget(resolve(io.cwd, options.out ?? plan.loaded.scenario.output), options.out ? '-o' : 'output');
    // A broken prices file is a usage error found before anything starts, like a broken scenario.
    if (options.prices) pricesOverride = await loadPricesFile(resolve(io.cwd, options.prices));
  } catch (error) {
    return reportFailure(io, error, verbose);
  }
  const ready = await preflight(io, plans.flatMap((p) => p.variants.map((v) => v.runtime)));
  if (ready !== EXIT.ok) return ready;
  const abort = new AbortController();
  let interrupts = 0;
  const removeHandler = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) io.err('\ncoldlab: interrupted — stopping every instance and writing what was gathered (Ctrl-C again to force)\n');
    abort.abort();
    if (interrupts > 1) process.exit(130);
  });
  let exit = 0;
  // One summary for all the scenarios of this command, written once they have run (or been interrupted).
  const markdown: string[] = [];
  try {
    const host = await hostInfo();
    for (const plan of plans) {
      if (abort.signal.aborted) break;
      const progress = progressEvents(io, Boolean(options.quiet || options.json));
      const output = await runScenario({
        loaded: plan.loaded,
        variants: plan.variants,
        host,
        outDir: resolve(io.cwd, options.out ?? plan.loaded.scenario.output),
        signal: abort.signal,
        ...(pricesOverride ? { pricesOverride } : {}),
        events: {
          ...progress,
          variantStarted: (v, i, n) => !options.quiet && !options.json && io.err(terminalSafe(`\n▶ [${i + 1}/${n}] ${describeVariant(v)}\n`)),
          leftoversRemoved: (runtime, removed) =>
            io.err(terminalSafe(`coldlab: removed ${removed.length} leftover(s) of an earlier ${runtime} run that did not finish: ${removed.join(', ')}\n`)),
          variantFinished: (r) => {
            progress.done();
            if (!options.quiet && !options.json) io.err(`${terminalSafe(formatVariantSummary(r))}\n`);
          },
        },
      }).finally(() => progress.done());
      const report = await writeReport(output.result, output.dir);
      const advice = advise(output.result);
      markdown.push(renderMarkdownSummary(output.result, advice));
      if (options.json) io.out(`${JSON.stringify({ runId: output.result.runId, results: output.resultsFile, report: report.html, complete: output.result.complete, variants: output.result.variants.map((v) => ({ id: v.variant.id, status: v.status })), advice })}\n`);
      else io.out(terminalSafe(`\n${formatRunSummary(output.result)}\n${options.quiet ? '' : `\n${formatAdvice(advice)}\n`}\nresults: ${output.resultsFile}\nreport:  ${report.html}\n`));
      exit = Math.max(exit, exitCodeFor(output.result));
    }
    if (markdown.length > 0) {
      const written = await writeMarkdownSummary(markdown.join('\n'), { ...(options.summary ? { file: options.summary } : {}), cwd: io.cwd, env: io.env });
      if (options.summary && !options.json) io.out(`summary: ${written[0]}\n`);
    }
  } catch (error) {
    return reportFailure(io, error, verbose);
  } finally {
    removeHandler();
  }
  return exit;
}
