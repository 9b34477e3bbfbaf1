import { Command, CommanderError } from 'commander';
import { processIO, type IO } from './io.js';
// Types only: each command's module (and what it pulls in: the sender, the charts, the metrics server) loads
// when that command runs, so `coldlab report` does not pay for `coldlab run`'s imports.
import type { runCommand } from './run.js';
import type { PlanFlags } from '../plan/options.js';
import type { GateCommandOptions } from './gate.js';
import type { InitOptions } from './init.js';
import { EXIT } from '../util/errors.js';
import { reportFailure } from './failure.js';
import { VERSION } from '../util/version.js';
import { clusterCommands } from './cluster.js';

/** Builds the program; each action stores its exit code so main() can return it instead of exiting. */
export function program(io: IO, setExit: (code: number) => void): Command {
  const cli = new Command('coldlab')
    .description('Benchmark serverless functions and their cold starts across runtimes')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  // Twenty-odd flags read best in groups: what to run, where output goes, and the A/B gate.
  const run = cli
    .command('run')
    .description('run one or more scenario files and write results.json plus an HTML report')
    .argument('<scenario...>', 'scenario YAML files')
    .optionsGroup('Running:')
    .option('--dry-run', 'validate and list the variants without running anything')
    .option('--shard <i/n>', 'run only the i-th of n contiguous blocks of the variants × repetitions (merge the shards with `coldlab merge`)')
    .option('--prices <file>', 'YAML or JSON prices for the recommendations (over the scenario\'s cost: section)')
    .option('-v, --verbose', 'show stack traces on errors')
    .optionsGroup('Output:')
    .option('-o, --out <dir>', 'output folder (default: the scenario\'s "output", else ./reports)')
    .option('--json', 'print machine-readable output on stdout')
    .option('-q, --quiet', 'no progress display and no per-variant summary')
    .option('--summary <file>', 'write a Markdown summary of the run there (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--junit <file>', 'write JUnit XML: one test case per threshold (and per compared metric with --ab)')
    .option('--metrics-port <port>', 'serve OpenMetrics on http://127.0.0.1:<port>/metrics while the run goes')
    .optionsGroup('A/B comparison and gate (with --ab or --aa):')
    .option('--ab', 'interleaved A/B: the first file is the baseline, the second the candidate; rounds alternate in random order, then the gate compares them')
    .option('--aa', "A/A: run one scenario against itself to measure this runner's noise band (written to noise.json)");
  gateFlags(run).action(async (files: string[], options: Parameters<typeof runCommand>[2]) => setExit(await (await import('./run.js')).runCommand(io, files, options)));
  cli
    .command('advise')
    .description('tuning recommendations of a run (memory size, warm pool, keep-alive, prewarm) with their cost')
    .argument('<results>', 'results.json')
    .option('--prices <file>', 'YAML or JSON prices (the keys of a scenario\'s cost: section) instead of the run\'s own')
    .option('--json', 'machine-readable output')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: { prices?: string; json?: boolean; verbose?: boolean }) => setExit(await (await import('./advise.js')).adviseCommand(io, file, options)));
  cli
    .command('compare')
    .description('two runs side by side: P50/P99 warm and cold, instance cold starts, cost')
    .argument('<a>', 'results.json of the first run (A)')
    .argument('<b>', 'results.json of the second run (B)')
    .option('-o, --out <file>', 'HTML file to write (default: compare.html next to B)')
    .option('--json', 'print the comparison as JSON (the HTML file is written too)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (a: string, b: string, options: { out?: string; json?: boolean; verbose?: boolean }) => setExit(await (await import('./compare.js')).compareCommand(io, a, b, options)));
  cli
    .command('report')
    .description('(re)write the HTML report of a results.json')
    .argument('<results>', 'results.json')
    .option('-o, --out <dir>', 'folder for index.html (default: next to results.json)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: { out?: string; verbose?: boolean }) => setExit(await (await import('./report.js')).reportCommand(io, file, options)));
  cli
    .command('merge')
    .description('merge results files of the same scenario (histograms are added, never averaged)')
    .argument('<results...>', 'results.json files')
    .requiredOption('-o, --out <file>', 'merged results file to write (required)')
    .option('--allow-mixed-hosts', 'pool repetitions measured on hosts of different classes (refused, or kept apart for shards, without it)')
    .option('--json', 'print what was merged and the thresholds judged again, as JSON')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (files: string[], options: { out: string; json?: boolean; verbose?: boolean; allowMixedHosts?: boolean }) => setExit(await (await import('./merge.js')).mergeCommand(io, files, options)));
  const gate = cli
    .command('gate')
    .description('judge a results file: its thresholds, and with --baseline a comparison of per-repetition figures (exit 99 on regression, 4 if a run is invalid)')
    .argument('<candidate>', 'results.json of the candidate run (or a merge of shards)')
    .option('--baseline <results>', 'results.json of the baseline run to compare with')
    .option('--threshold <expr>', 'judge this threshold instead of the stored ones, e.g. "warm.p99 < 50ms" or "steady: warm.p99 < 50ms"; repeatable', collect)
    .option('--json', 'print the verdict, thresholds and comparison as JSON');
  gateFlags(gate)
    .option('--junit <file>', 'write JUnit XML: one test case per threshold and per compared metric')
    .option('--allow-mixed-hosts', 'compare with a baseline measured on a different class of host (refused without it)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: GateCommandOptions) => setExit(await (await import('./gate.js')).gateCommand(io, file, options)));
  cli
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async () => setExit((await import('./schema.js')).schemaCommand(io)));
  cli
    .command('plan')
    .description('simulate the platform for a load: cold-start probability, P50/P99, instances and cost; a table of candidates; or --validate a run')
    .option('--rate <r>', 'arrivals per second (with --process, default poisson)')
    .option('--process <p>', 'arrival process for --rate: poisson or constant')
    .option('--requests <n>', 'arrivals to simulate with --rate (default 100000)')
    .option('--trace <file>', 'replay an Azure Functions 2019 or 2021 trace instead of --rate')
    .option('--select <sel>', 'trace function: rank:N (default rank:1), hash:PREFIX or all')
    .option('--spread <s>', '2019 trace: poisson (default), uniform or equidistant within each minute')
    .option('--compress <n>', 'trace time compression (60: a minute in a second)')
    .option('--from-minute <m>', 'first trace minute replayed (1-based)')
    .option('--to-minute <m>', 'last trace minute replayed')
    .option('--from <results>', 'service times: the warm and cold latencies of a results.json, per memory size')
    .option('--warm-ms <ms>', 'warm service time, ms (fixed)')
    .option('--cold-ms <ms>', 'cold service time (start + first request), ms (fixed)')
    .option('--warm-dist <d>', 'warm service time distribution: exp:MEAN_MS, uniform:FROM:TO or ms')
    .option('--cold-dist <d>', 'cold service time distribution, as --warm-dist')
    .option('--keep-alive <k>', 'keep-alive with its unit (500ms, 600s, 10m); a comma list makes candidates (default 10m)')
    .option('--instance-concurrency <n>', 'requests per instance at once (default 1)')
    .option('--max-instances <n>', 'instances at most; beyond, requests queue (default unlimited)')
    .option('--provisioned <n>', 'provisioned instances; a comma list makes candidates (default 0)')
    .option('--memory <mb>', 'memory size(s) in MB for cost; a comma list makes candidates')
    .option('--p99-target <ms>', 'pick the cheapest candidate whose P99 is at most this')
    .option('--prices <file>', 'YAML or JSON prices overriding the default list prices (the keys of a scenario\'s cost: section)')
    .option('--seed <s>', 'random seed (default 1); the same seed gives the same figures')
    .option('--html <file>', 'with candidates: also write a small HTML page of the table')
    .option('--validate <results>', 're-simulate a results file\'s own run and compare with what it measured')
    .option('--json', 'print one JSON object')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (options: PlanFlags) => setExit(await (await import('./plan.js')).planCommand(io, options)));
  cli
    .command('init')
    .description('write a commented starter scenario for your handler (runtimes doctor finds usable, a memory sweep, a warm pool, thresholds)')
    .argument('<handler>', 'your function module, e.g. ./src/handler.mjs')
    .option('-o, --out <file>', 'scenario file to write (default: coldlab.yaml)')
    .option('--handler <name>', 'exported function name (default: handler)')
    .option('--force', 'overwrite an existing file')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: InitOptions) => setExit(await (await import('./init.js')).initCommand(io, file, options)));
  cli
    .command('doctor')
    .description('show which runtimes are usable here and how to fix the others')
    .option('--cleanup', 'remove containers, cgroups and processes left by earlier runs')
    .option('--nats-url <url>', 'with --cleanup: also remove streams earlier runs left on this NATS server')
    .option('--json', 'machine-readable output')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (options: { cleanup?: boolean; json?: boolean; verbose?: boolean; natsUrl?: string }) => setExit(await (await import('./doctor.js')).doctorCommand(io, options)));
  clusterCommands(cli, io, setExit);
  // The internal-error hint says "re-run with --verbose": every command, present and future, must take it.
  for (const command of cli.commands) {
    if (!command.options.some((o) => o.long === '--verbose')) command.option('-v, --verbose', 'show stack traces on errors');
  }
  return cli;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The gate's statistics options, the same on `gate` and on `run --ab`. */
export function gateFlags(command: Command): Command {
  return command
    .option('--metric <name>', 'metric to compare, repeatable (default: cold.p50, warm.p50, warm.p99)', collect)
    .option('--tolerance <spec>', 'change tolerated before a significant slowdown fails: 10% (default), or per metric warm.p99=20%; repeatable', collect)
    .option('--alpha <p>', 'significance level of the Mann-Whitney U test (default 0.05)')
    .option('--seed <n>', 'seed of the bootstrap and permutations (default 1): the same inputs give the same verdict')
    .option('--noise <file>', 'noise.json from `coldlab run --aa`: its band per metric becomes the tolerance')
    .option('--strict', 'too few repetitions for a verdict fails the gate instead of passing with a warning');
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  let exit: number = EXIT.ok;
  try {
    await program(io, (code) => (exit = code)).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage mistakes are exit 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Whatever a command let escape is still shown as an error with a hint, never as a raw crash.
    return reportFailure(io, error, argv.includes('--verbose') || argv.includes('-v'));
  }
  return exit;
}
