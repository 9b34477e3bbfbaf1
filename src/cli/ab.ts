import { join, resolve } from 'node:path';
import os from 'node:os';
import type { IO } from './io.js';
import type { LoadedScenario } from '../scenario/load.js';
import { expandVariants } from '../scenario/matrix.js';
import type { Variant } from '../scenario/variant.js';
import { interleavedOrder, runInterleaved } from '../lab/interleave.js';
import { writeReport } from '../report/write.js';
import { writeFileAtomic } from '../results/store.js';
import { compareRuns } from '../gate/compare.js';
import { gateOptions } from '../gate/options.js';
import { noiseBand } from '../gate/noise.js';
import { formatGate, formatThresholds } from '../report/gate/format.js';
import { writeGateOutputs } from './gateOutputs.js';
import { reportFailure } from './failure.js';
import { describeVariant } from './describe.js';
import type { RunCommandOptions } from './runOptions.js';
import { withRunContext } from './pipeline.js';
import { overallVerdict, verdictLine } from '../gate/verdict.js';
import { exitCodeFor, worstExit } from './exit.js';
import { ColdlabError, EXIT } from '../util/errors.js';

const usage = (message: string, hint: string): ColdlabError => new ColdlabError('AB_USAGE', message, hint, EXIT.usage);

// Which two scenarios face each other: two files (--ab), one against itself (--aa), or one with baseline.function.
function sides(loaded: readonly LoadedScenario[], options: RunCommandOptions): { baseline: LoadedScenario; candidate: LoadedScenario } {
  if (options.ab && options.aa) throw usage('--ab and --aa exclude each other', 'use --ab baseline.yaml candidate.yaml, or --aa scenario.yaml');
  if (options.ab) {
    if (loaded.length !== 2) throw usage(`--ab needs exactly two scenario files, got ${loaded.length}`, 'coldlab run --ab baseline.yaml candidate.yaml');
    return { baseline: loaded[0]!, candidate: loaded[1]! };
  }
  if (loaded.length !== 1) throw usage(`${options.aa ? '--aa' : 'a scenario with baseline.function'} takes one scenario file, got ${loaded.length}`, 'run each A/B scenario on its own');
  const one = loaded[0]!;
  if (options.aa) return { baseline: { ...one, thresholds: [] }, candidate: one };
  return { baseline: { ...one, fn: one.baselineFn ?? one.fn, thresholds: [] }, candidate: one };
}

// Both sides must run the same cells and phases, or the comparison would pair different things.
function sameVariants(baseline: Variant[], candidate: Variant[]): void {
  const b = baseline.map((v) => `${v.id} ${v.phases.map((p) => `${p.name}:${p.kind}`).join(',')}`);
  const c = candidate.map((v) => `${v.id} ${v.phases.map((p) => `${p.name}:${p.kind}`).join(',')}`);
  const differ = b.findIndex((x, i) => x !== c[i]);
  if (b.length !== c.length || differ >= 0) {
    throw usage(
      `baseline and candidate expand to different variants (${b.length} and ${c.length}${differ >= 0 ? `; first difference: ${b[differ]} vs ${c[differ] ?? 'nothing'}` : ''})`,
      'give both scenarios the same runtimes, matrix, phases and repetitions; only the function should differ',
    );
  }
}

export async function abCommand(io: IO, loaded: LoadedScenario[], options: RunCommandOptions): Promise<number> {
  const verbose = Boolean(options.verbose);
  try {
    const { baseline, candidate } = sides(loaded, options);
    const gate = await gateOptions(options);
    const variants = expandVariants(candidate.scenario, { hostCores: os.cpus().length });
    sameVariants(expandVariants(baseline.scenario, { hostCores: os.cpus().length }), variants);
    const rounds = interleavedOrder(variants, gate.seed);
    if (options.dryRun) {
      io.out(`${rounds.length} runs in ${variants.length} interleaved rounds (seed ${gate.seed}):\n${rounds.map((r) => `  ${r.side.padEnd(9)} ${describeVariant(r.variant)}`).join('\n')}\n`);
      return EXIT.ok;
    }
    return await withRunContext(io, options, variants.map((v) => v.runtime), async (ctx) => {
      const quiet = ctx.quiet;
      const progress = ctx.progress();
      const output = await runInterleaved({
        baseline,
        candidate,
        variants,
        seed: gate.seed,
        host: ctx.host,
        ...(ctx.pricesOverride ? { pricesOverride: ctx.pricesOverride } : {}),
        outDir: resolve(io.cwd, options.out ?? candidate.scenario.output),
        signal: ctx.signal,
        events: ctx.endpoint.wrap({
          ...progress,
          variantStarted: (v, i, n) => !quiet && io.err(`\n▶ [${i + 1}/${n}] ${rounds[i]?.side ?? ''} · ${describeVariant(v)}\n`),
          variantFinished: () => progress.done(),
        }),
      }).finally(() => progress.done());
      const b = output.baseline.result;
      const c = output.candidate.result;
      await writeReport(b, join(output.dir, 'baseline'));
      await writeReport(c, join(output.dir, 'candidate'));
      const report = compareRuns(b, c, gate);
      const outcomes = c.thresholdResults ?? [];
      if (outcomes.length > 0) io.out(`\n${formatThresholds(outcomes)}`);
      io.out(`\n${formatGate(report, { baseline: b.runId, candidate: c.runId })}`);
      io.out(`results: ${output.baseline.resultsFile}\n         ${output.candidate.resultsFile}\n`);
      if (options.aa) {
        const band = noiseBand(report);
        const file = join(output.dir, 'noise.json');
        await writeFileAtomic(file, `${JSON.stringify(band, null, 2)}\n`);
        const text = Object.entries(band.metrics).map(([m, v]) => `${m} ±${Math.round(v * 100)}%`).join(', ');
        io.out(`noise band of this runner (A/A): ${text || 'none (too few repetitions)'}\nnoise:   ${file} (use with --noise as the gate's tolerance)\n`);
        // A band from rounds that could not hold their load says more about the overload than about the runner.
        if (report.verdict === 'invalid') io.out('  a round was invalid: measure the band again on a quieter runner before using it\n');
      }
      // A/A measures noise: its comparison informs, it does not gate.
      const parts = { thresholds: outcomes, gate: report, labels: { baseline: b.runId, candidate: c.runId }, comparisonGates: !options.aa };
      const overall = overallVerdict(parts);
      io.out(verdictLine(overall));
      await writeGateOutputs(io, parts, options.junit);
      const runCode = worstExit(exitCodeFor(b), exitCodeFor(c));
      return runCode === EXIT.ok ? overall.exitCode : worstExit(runCode, overall.exitCode);
    });
  } catch (error) {
    return reportFailure(io, error, verbose);
  }
}
