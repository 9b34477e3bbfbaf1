import { relative, isAbsolute } from 'node:path';
import { ColdlabError, EXIT } from '../util/errors.js';

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

export function formatProblem(p: Problem): string {
  return `${displayPath(p.file)}:${p.line}:${p.col} ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}

/** Every problem of a scenario at once; exit code 2 and nothing started. */
export class ScenarioError extends ColdlabError {
  constructor(readonly problems: Problem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
    super(
      'SCENARIO_INVALID',
      `scenario is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${sorted.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      'fix the lines above and run again; `coldlab schema` prints a JSON Schema for editor completion',
      EXIT.usage,
    );
  }
}
