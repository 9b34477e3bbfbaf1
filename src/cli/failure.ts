import type { IO } from './io.js';
import { ColdlabError, EXIT, type ExitCode } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';

/** Shows an error as a user should see it: message and hint, a stack only with --verbose. */
export function reportFailure(io: IO, error: unknown, verbose: boolean): ExitCode {
  if (error instanceof ColdlabError) {
    io.err(`coldlab: ${terminalSafe(error.message)}\n`);
    if (error.hint) io.err(`  hint: ${terminalSafe(error.hint)}\n`);
    if (verbose && error.stack) io.err(`${terminalSafe(error.stack)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`coldlab: internal error: ${terminalSafe(message)}\n  hint: re-run with --verbose and report it with the stack trace\n`);
  if (verbose && error instanceof Error && error.stack) io.err(`${terminalSafe(error.stack)}\n`);
  return EXIT.internal;
}
