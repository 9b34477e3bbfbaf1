import { Command, CommanderError } from 'commander';
import { processIO, type IO } from './io.js';
import { runCommand } from './run.js';
import { reportCommand } from './report.js';
import { mergeCommand } from './merge.js';
import { schemaCommand } from './schema.js';
import { doctorCommand } from './doctor.js';
import { EXIT } from '../util/errors.js';
import { VERSION } from '../util/version.js';

/** Builds the program; each action stores its exit code so main() can return it instead of exiting. */
function program(io: IO, setExit: (code: number) => void): Command {
  const cli = new Command('coldlab')
    .description('Benchmark serverless functions and their cold starts across runtimes')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  cli
    .command('run')
    .description('run one or more scenario files and write results.json plus an HTML report')
    .argument('<scenario...>', 'scenario YAML files')
    .option('-o, --out <dir>', 'output folder (default: the scenario\'s "output", else ./reports)')
    .option('--dry-run', 'validate and list the variants without running anything')
    .option('--json', 'print machine-readable output on stdout')
    .option('-q, --quiet', 'no progress display and no per-variant summary')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (files: string[], options: Parameters<typeof runCommand>[2]) => setExit(await runCommand(io, files, options)));
  cli
    .command('report')
    .description('(re)write the HTML report of a results.json')
    .argument('<results>', 'results.json')
    .option('-o, --out <dir>', 'folder for index.html (default: next to results.json)')
    .action(async (file: string, options: { out?: string }) => setExit(await reportCommand(io, file, options)));
  cli
    .command('merge')
    .description('merge results files of the same scenario (histograms are added, never averaged)')
    .argument('<results...>', 'results.json files')
    .requiredOption('-o, --out <file>', 'merged results file to write')
    .action(async (files: string[], options: { out: string }) => setExit(await mergeCommand(io, files, options)));
  cli
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .action(() => setExit(schemaCommand(io)));
  cli
    .command('doctor')
    .description('show which runtimes are usable here and how to fix the others')
    .option('--cleanup', 'remove containers, cgroups and processes left by earlier runs')
    .option('--json', 'machine-readable output')
    .action(async (options: { cleanup?: boolean; json?: boolean }) => setExit(await doctorCommand(io, options)));
  return cli;
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
    throw error;
  }
  return exit;
}
