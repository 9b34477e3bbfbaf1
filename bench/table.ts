// The bench's verdict at a glance (issue 13, point 5): one row per figure with its baseline measured in the
// same run, coldlab's figure, their ratio, the goal and whether it is met.
import { textTable } from '../src/present/textTable.js';

export interface BenchRow {
  figure: string;
  baseline: string;
  coldlab: string;
  /** coldlab ÷ baseline, or a difference where a ratio means nothing (e.g. "+0.31 ms"). */
  ratio: string;
  goal: string;
  /** undefined: a figure reported for information, with no goal to meet. */
  met: boolean | undefined;
}

export const ratioOf = (coldlab: number, baseline: number): string => (baseline > 0 ? `${(coldlab / baseline).toFixed(2)}×` : '—');

const verdict = (met: boolean | undefined): string => (met === undefined ? '—' : met ? 'yes' : 'NO');

/** The rows as an aligned text table, with a closing line counting goals met. */
export function formatBenchTable(rows: BenchRow[]): string {
  const head = ['figure', 'baseline', 'coldlab', 'ratio', 'goal', 'met?'];
  const body = rows.map((r) => [r.figure, r.baseline, r.coldlab, r.ratio, r.goal, verdict(r.met)]);
  const goals = rows.filter((r) => r.met !== undefined);
  const met = goals.filter((r) => r.met).length;
  return `${textTable([head, ...body], ['left', 'right', 'right', 'right', 'left', 'left'])}\n  ${met} of ${goals.length} goals met in this run`;
}
