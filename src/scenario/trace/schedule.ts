import type { Phase } from '../schema.js';
import type { Problem } from '../problems.js';
import { readTrace } from './read.js';
import { selectFunctions, type SelectionProblem } from './select.js';
import { spreadMinutes } from './spread.js';
import { LIMITS } from '../limits.js';

export type TracePhase = Extract<Phase, { kind: 'trace' }>;

const MINUTE_US = 60_000_000;
/** Highest arrival rate a replay may reach in any trace minute after compression: the rate limit of other phases. */
export const MAX_TRACE_RATE = LIMITS.rate;
/** Most arrivals one trace phase may hold (they are spread and kept up front). */
export const MAX_TRACE_ARRIVALS = LIMITS.traceArrivals;

/** What a trace phase replays: its arrivals (µs from the phase start, ascending), length and a label. */
export interface TraceReplay {
  offsetsUs: Float64Array;
  durationMs: number;
  /** Arrivals in each replayed trace minute, in order (before compression: the trace's own counts). */
  perMinute: Float64Array;
  fromMinute: number;
  toMinute: number;
  label: string;
}

export type TraceOutcome = { replay: TraceReplay } | { fileProblems: Problem[] } | { selection: SelectionProblem };

/** Reads, selects, windows and spreads a trace phase; problems come back positioned (trace file) or keyed (phase). */
export function resolveTrace(phase: TracePhase): TraceOutcome {
  const read = readTrace(phase.file, phase.format);
  if (read.problems) return { fileProblems: read.problems };
  const { trace } = read;
  const fromMinute = phase.fromMinute ?? 1;
  const toMinute = phase.toMinute ?? trace.minutes;
  if (fromMinute > trace.minutes) return { selection: { key: 'fromMinute', message: `fromMinute ${fromMinute} is past the trace's last minute (${trace.minutes})`, hint: `pick a minute from 1 to ${trace.minutes}` } };
  if (toMinute > trace.minutes) return { selection: { key: 'toMinute', message: `toMinute ${toMinute} is past the trace's last minute (${trace.minutes})`, hint: `pick a minute from ${fromMinute} to ${trace.minutes}, or leave toMinute out` } };
  if (toMinute < fromMinute) return { selection: { key: 'toMinute', message: `toMinute ${toMinute} is before fromMinute ${fromMinute}`, hint: 'the window runs from fromMinute to toMinute, both included' } };
  const selected = selectFunctions(trace, phase.select);
  if ('key' in selected) return { selection: selected };
  const minuteUs = MINUTE_US / phase.compress;
  const minutes = toMinute - fromMinute + 1;
  const perMinute = new Float64Array(minutes);
  let offsetsUs: Float64Array;
  if (selected.format === 'azure2019') {
    perMinute.set(selected.counts.subarray(fromMinute - 1, toMinute));
    offsetsUs = spreadMinutes(perMinute, minuteUs, phase.spread, phase.seed ?? 1);
  } else {
    // Exact start times: the trace's own arrivals, shifted to the window and compressed.
    const fromS = (fromMinute - 1) * 60;
    const inWindow = selected.starts.filter((s) => s >= fromS && s < toMinute * 60);
    offsetsUs = inWindow.map((s) => ((s - fromS) * 1_000_000) / phase.compress);
    for (const s of inWindow) perMinute[Math.floor((s - fromS) / 60)] = (perMinute[Math.floor((s - fromS) / 60)] ?? 0) + 1;
  }
  return { replay: { offsetsUs, durationMs: (minutes * minuteUs) / 1000, perMinute, fromMinute, toMinute, label: selected.label } };
}

/** The limits a replay must stay within, as a keyed problem (placed at `compress`), or undefined. */
export function replayTooBig(replay: TraceReplay, compress: number): { key: 'compress' | 'toMinute'; message: string; hint: string } | undefined {
  if (replay.offsetsUs.length > MAX_TRACE_ARRIVALS) {
    return { key: 'toMinute', message: `the replay holds ${replay.offsetsUs.length.toLocaleString('en-US')} arrivals, over the limit of ${MAX_TRACE_ARRIVALS.toLocaleString('en-US')}`, hint: 'replay fewer minutes (fromMinute/toMinute) or one function instead of all' };
  }
  const peak = Math.max(0, ...replay.perMinute);
  const peakRate = (peak / 60) * compress;
  if (peakRate > MAX_TRACE_RATE) {
    return { key: 'compress', message: `compress ${compress} makes the busiest minute (${peak} invocations) ${Math.round(peakRate)} req/s, over the limit of ${MAX_TRACE_RATE}`, hint: `lower compress to at most ${Math.max(1, Math.floor((MAX_TRACE_RATE * 60) / Math.max(peak, 1)))}, or select a quieter function` };
  }
  return undefined;
}

/** The arrivals of a trace phase whose trace was validated when the scenario was loaded. */
export function traceReplay(phase: TracePhase): TraceReplay {
  const outcome = resolveTrace(phase);
  if ('replay' in outcome) return outcome.replay;
  const why = 'fileProblems' in outcome ? outcome.fileProblems[0]?.message : outcome.selection.message;
  throw new Error(`trace ${phase.file} changed since the scenario was validated: ${why ?? 'unreadable'}`);
}
