import type { TraceProblems } from './problems.js';

/** The Azure Functions 2021 invocation trace: one row per invocation, start = end − duration (seconds). */
export interface InvocationTrace {
  format: 'azure2021';
  /** Per function key "app/func": invocation start times in seconds from the trace's origin, ascending. */
  functions: Map<string, { app: string; func: string; starts: number[]; line: number }>;
  /** Whole minutes the trace spans (from 0 to its last start). */
  minutes: number;
}

const HEADER = ['app', 'func', 'end_timestamp', 'duration'] as const;
const NUMBER = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

function columnOf(fields: readonly string[], index: number): number {
  let col = 1;
  for (let i = 0; i < index; i++) col += (fields[i]?.length ?? 0) + 1;
  return col;
}

/** Parses AzureFunctionsInvocationTrace2021 text (header app,func,end_timestamp,duration; unquoted fields). */
export function parseAzure2021(text: string, problems: TraceProblems): InvocationTrace | undefined {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
  if (header.length !== HEADER.length || HEADER.some((name, i) => header[i] !== name)) {
    problems.add(1, 1, `expected the header "${HEADER.join(',')}", found "${header.join(',')}"`, 'the Azure Functions 2021 trace has one row per invocation under that header');
    return undefined;
  }
  const functions: InvocationTrace['functions'] = new Map();
  let last = 0;
  for (let i = 1; i < lines.length && !problems.full; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') continue;
    const fields = line.split(',');
    const lineNo = i + 1;
    if (fields.length !== HEADER.length) {
      problems.add(lineNo, 1, `expected 4 columns (app, func, end_timestamp, duration), found ${fields.length}`, 'every row has the same columns as the header');
      continue;
    }
    const [app = '', func = '', endText = '', durationText = ''] = fields;
    if (app === '' || func === '') {
      problems.add(lineNo, app === '' ? 1 : columnOf(fields, 1), `${app === '' ? 'app' : 'func'} is empty`, 'each row names the app and function hash');
      continue;
    }
    if (!NUMBER.test(endText) || !NUMBER.test(durationText)) {
      const bad = NUMBER.test(endText) ? 3 : 2;
      problems.add(lineNo, columnOf(fields, bad), `${HEADER[bad]}: "${fields[bad] ?? ''}" is not a number of seconds`, 'write a number ≥ 0, e.g. 12.031');
      continue;
    }
    const start = Number(endText) - Number(durationText);
    if (start < 0) {
      problems.add(lineNo, columnOf(fields, 3), `duration ${durationText} s is longer than end_timestamp ${endText} s: the invocation would start before the trace`, 'start = end_timestamp − duration must be ≥ 0');
      continue;
    }
    const key = `${app}/${func}`;
    let entry = functions.get(key);
    if (!entry) functions.set(key, (entry = { app, func, starts: [], line: lineNo }));
    entry.starts.push(start);
    last = Math.max(last, start);
  }
  if (functions.size === 0 && problems.list.length === 0) problems.add(1, 1, 'the trace has a header but no invocations', 'add at least one row');
  // Rows are ordered by end time; starts (end − duration) need not be.
  for (const entry of functions.values()) entry.starts.sort((a, b) => a - b);
  return { format: 'azure2021', functions, minutes: Math.max(1, Math.ceil((last + 1e-9) / 60)) };
}
