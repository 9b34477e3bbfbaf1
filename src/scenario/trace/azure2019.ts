import type { TraceProblems } from './problems.js';

/** One function's row of an Azure Functions 2019 per-minute invocation file. */
export interface MinuteRow {
  owner: string;
  app: string;
  func: string;
  trigger: string;
  /** Invocations in trace minute 1, 2, … (index 0 is minute 1). */
  counts: Uint32Array;
  total: number;
  line: number;
}

export interface MinuteTrace {
  format: 'azure2019';
  minutes: number;
  rows: MinuteRow[];
}

const KEY_COLUMNS = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger'] as const;
const COUNT = /^\d+$/;

/** Column (1-based) where field `index` of a comma-separated line starts. */
function columnOf(fields: readonly string[], index: number): number {
  let col = 1;
  for (let i = 0; i < index; i++) col += (fields[i]?.length ?? 0) + 1;
  return col;
}

// The header names the minutes: HashOwner,HashApp,HashFunction,Trigger,1,2,…,N (N = 1440 in the published files).
function readHeader(header: string, problems: TraceProblems): number | undefined {
  const fields = header.split(',');
  for (const [i, name] of KEY_COLUMNS.entries()) {
    if (fields[i] !== name) {
      problems.add(1, columnOf(fields, i), `expected column "${name}" in the header, found "${fields[i] ?? ''}"`, `the Azure Functions 2019 header starts ${KEY_COLUMNS.join(',')},1,2,…,1440`);
      return undefined;
    }
  }
  const minutes = fields.length - KEY_COLUMNS.length;
  if (minutes < 1) {
    problems.add(1, header.length + 1, 'the header names no minute columns', 'after Trigger come the minute columns 1,2,…,1440');
    return undefined;
  }
  for (let m = 1; m <= minutes; m++) {
    const index = KEY_COLUMNS.length + m - 1;
    if (fields[index] !== String(m)) {
      problems.add(1, columnOf(fields, index), `expected minute column "${m}" in the header, found "${fields[index] ?? ''}"`, 'minute columns are numbered 1,2,… without gaps');
      return undefined;
    }
  }
  return minutes;
}

/**
 * Parses invocations_per_function_md.anon.dNN.csv text. The published files are plain comma-separated
 * hashes and integers without quoting, so a split gives exact columns for error positions.
 */
export function parseAzure2019(text: string, problems: TraceProblems): MinuteTrace | undefined {
  const lines = text.split('\n');
  const minutes = readHeader((lines[0] ?? '').replace(/\r$/, ''), problems);
  if (minutes === undefined) return undefined;
  const rows: MinuteRow[] = [];
  for (let i = 1; i < lines.length && !problems.full; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') continue;
    const fields = line.split(',');
    const lineNo = i + 1;
    if (fields.length !== KEY_COLUMNS.length + minutes) {
      problems.add(lineNo, 1, `expected ${KEY_COLUMNS.length + minutes} columns (4 keys and ${minutes} minutes), found ${fields.length}`, 'every row has the same columns as the header');
      continue;
    }
    const emptyKey = fields.slice(0, KEY_COLUMNS.length).findIndex((f) => f === '');
    if (emptyKey >= 0) problems.add(lineNo, columnOf(fields, emptyKey), `${KEY_COLUMNS[emptyKey] ?? 'key'} is empty`, 'each row names its owner, app, function and trigger');
    const counts = new Uint32Array(minutes);
    let total = 0;
    for (let m = 0; m < minutes; m++) {
      const index = KEY_COLUMNS.length + m;
      const field = fields[index] ?? '';
      if (!COUNT.test(field) || Number(field) > 0xffffffff) {
        problems.add(lineNo, columnOf(fields, index), `minute ${m + 1}: "${field}" is not a count of invocations`, 'write a whole number ≥ 0');
        continue;
      }
      counts[m] = Number(field);
      total += Number(field);
    }
    rows.push({ owner: fields[0] ?? '', app: fields[1] ?? '', func: fields[2] ?? '', trigger: fields[3] ?? '', counts, total, line: lineNo });
  }
  if (rows.length === 0 && problems.list.length === 0) problems.add(1, 1, 'the trace has a header but no function rows', 'add at least one row of per-minute counts');
  return { format: 'azure2019', minutes, rows };
}
