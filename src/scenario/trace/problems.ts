import type { Problem } from '../problems.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { formatProblem } from '../problems.js';

// A damaged trace of millions of rows would otherwise print millions of lines: the first ones say enough.
export const MAX_TRACE_PROBLEMS = 20;

/** Collects positioned problems of one trace file, stopping after MAX_TRACE_PROBLEMS. */
export class TraceProblems {
  readonly list: Problem[] = [];
  private more = 0;

  constructor(readonly file: string) {}

  add(line: number, col: number, message: string, hint?: string): void {
    if (this.list.length >= MAX_TRACE_PROBLEMS) {
      this.more++;
      return;
    }
    this.list.push(hint === undefined ? { file: this.file, line, col, message } : { file: this.file, line, col, message, hint });
  }

  get full(): boolean {
    return this.list.length >= MAX_TRACE_PROBLEMS;
  }

  /** The problems, with a last one counting those left out. */
  all(): Problem[] {
    if (this.more === 0) return this.list;
    const last = this.list[this.list.length - 1];
    return [...this.list, { file: this.file, line: last?.line ?? 1, col: 1, message: `… and ${this.more} more problem(s) in this trace file` }];
  }
}

/** A trace file read outside a scenario (`coldlab plan --trace`): same form as scenario problems, exit 2. */
export class TraceError extends ColdlabError {
  constructor(readonly problems: Problem[]) {
    super(
      'TRACE_INVALID',
      [`invalid trace file${problems.length > 1 ? ` (${problems.length} problems)` : ''}:`, ...problems.map(formatProblem)].join('\n'),
      'fix the trace file or the selection above; fixtures/traces/ holds samples of both Azure formats',
      EXIT.usage,
    );
    this.name = 'TraceError';
  }
}
