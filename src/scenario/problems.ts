import { relative, isAbsolute } from 'node:path';
import { ColdlabError, EXIT } from '../util/errors.js';
import { LIMITS, formatNumber } from './limits.js';

/** One thing wrong with a scenario file, where it is, and what to do about it. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

// Paths under the current folder are shown relative, as the user typed them; others stay absolute.
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** `file:line:col message` (editors and terminals make it clickable), then an indented hint line. */
export function formatProblem(p: Problem): string {
  return `${displayPath(p.file)}:${p.line}:${p.col} ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
}

// In file order, so the user can fix them top to bottom.
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** Every problem of a scenario at once; exit code 2 and nothing started. */
export class ScenarioError extends ColdlabError {
  readonly problems: Problem[];

  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    const count = sorted.length === 1 ? 'the problem' : `the ${sorted.length} problems`;
    // A heading line, then one `file:line:col message` line per problem (the form editors and grep jump to).
    const heading = sorted.length === 1 ? 'invalid scenario, nothing was started:' : `invalid scenario (${formatNumber(sorted.length)} problems), nothing was started:`;
    // The first problems in full, the rest counted: ten thousand lines help no one.
    const shown = sorted.slice(0, LIMITS.problemsShown);
    const rest = sorted.length - shown.length;
    const more = rest > 0 ? [`… and ${formatNumber(rest)} more problem${rest === 1 ? '' : 's'} (the first ${shown.length} are listed)`] : [];
    super(
      'SCENARIO_INVALID',
      [heading, ...shown.map(formatProblem), ...more].join('\n'),
      rest > 0 ? `fix the problems above and run again to see the rest; \`coldlab schema\` prints a JSON Schema for editor completion` : `fix ${count} above and run again; \`coldlab schema\` prints a JSON Schema for editor completion`,
      EXIT.usage,
    );
    this.name = 'ScenarioError';
    this.problems = sorted;
  }
}
