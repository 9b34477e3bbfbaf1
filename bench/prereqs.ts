// What a bench section needs before it runs (nginx, built Wasm fixtures), made ready by scripts/bench-env.sh
// as the test environment makes the tests' ready; and the one line a section prints when it cannot run.
import { execa } from 'execa';
import { ColdlabError, errorMessage } from '../src/util/errors.js';

/** Sections with something to install or build first; the others need nothing or skip with a reason of their own. */
const NEEDS = new Set(['gateway', 'wasm']);

/** Installs or builds what `section` needs; returns undefined when ready, else the one line saying how to get it. */
export async function prepareSection(section: string): Promise<string | undefined> {
  if (!NEEDS.has(section)) return undefined;
  const run = await execa('bash', ['scripts/bench-env.sh', section], { reject: false, stdout: 'inherit' });
  if (run.exitCode === 0) return undefined;
  return run.stderr.trim().split('\n').at(-1) ?? `scripts/bench-env.sh ${section} failed (exit ${run.exitCode})`;
}

/** One line for a section that failed: the error's message and hint, no stack trace. */
export function failureLine(section: string, error: unknown): string {
  const hint = error instanceof ColdlabError && error.hint ? ` (hint: ${error.hint})` : '';
  return `${section}: not measured, ${errorMessage(error)}${hint}`;
}
