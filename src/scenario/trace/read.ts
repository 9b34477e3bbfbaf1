import { readFileSync, statSync } from 'node:fs';
import { parseAzure2019, type MinuteTrace } from './azure2019.js';
import { parseAzure2021, type InvocationTrace } from './azure2021.js';
import { TraceProblems } from './problems.js';
import type { Problem } from '../problems.js';
import { errorMessage } from '../../util/errors.js';

export type Trace = MinuteTrace | InvocationTrace;
export type TraceFormat = Trace['format'];
export const TRACE_FORMATS = ['azure2019', 'azure2021'] as const;

// A published 2019 day file is about 150 MB; beyond this a file is not a trace coldlab should hold in memory.
export const MAX_TRACE_BYTES = 512 * 1024 * 1024;

type Read = { trace: Trace; problems?: undefined } | { trace?: undefined; problems: Problem[] };
// The scenario loader validates a trace and the sender replays it later: read and parse each file once.
const cache = new Map<string, { stamp: string; read: Read }>();

function detect(text: string): TraceFormat | undefined {
  const first = text.slice(0, 200).split(/[,\r\n]/)[0];
  if (first === 'HashOwner') return 'azure2019';
  if (first === 'app') return 'azure2021';
  return undefined;
}

/** Reads and parses a trace file (synchronously: scenario validation and schedules are synchronous); cached by path, size and mtime. */
export function readTrace(file: string, format?: TraceFormat): Read {
  let stamp: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { problems: [{ file, line: 1, col: 1, message: 'the trace path is not a file', hint: 'give the path of a .csv trace file, relative to the scenario file' }] };
    if (stat.size > MAX_TRACE_BYTES) return { problems: [{ file, line: 1, col: 1, message: `the trace file is ${Math.round(stat.size / 1048576)} MB, over the limit of ${MAX_TRACE_BYTES / 1048576} MB`, hint: 'cut it to the functions and minutes you replay (e.g. with grep and cut)' }] };
    stamp = `${stat.size}:${stat.mtimeMs}:${format ?? ''}`;
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    return { problems: [{ file, line: 1, col: 1, message: missing ? 'trace file not found' : `cannot read the trace file: ${errorMessage(error)}`, hint: 'the path is relative to the scenario file\'s folder; fixtures/traces/ holds samples' }] };
  }
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.read;
  const read = parse(file, readFileSync(file, 'utf8'), format);
  cache.set(file, { stamp, read });
  return read;
}

function parse(file: string, text: string, format: TraceFormat | undefined): Read {
  const problems = new TraceProblems(file);
  const detected = detect(text);
  const chosen = format ?? detected;
  if (chosen === undefined) {
    problems.add(1, 1, 'not a known trace format', 'expected the Azure Functions 2019 per-minute header (HashOwner,HashApp,HashFunction,Trigger,1,…,1440) or the 2021 header (app,func,end_timestamp,duration)');
    return { problems: problems.all() };
  }
  const trace = chosen === 'azure2019' ? parseAzure2019(text, problems) : parseAzure2021(text, problems);
  if (!trace || problems.list.length > 0) return { problems: problems.all() };
  return { trace };
}
