import type { Trace } from './read.js';

export type TraceSelector = 'all' | { rank: number } | { hash: string };

/** Per-minute counts (2019) or start times in seconds (2021) of what the selector picked, with a label. */
export type Selected =
  | { format: 'azure2019'; label: string; counts: Float64Array }
  | { format: 'azure2021'; label: string; starts: Float64Array };

/** A selection problem, to be placed at the phase key it concerns (`select`, `fromMinute`…). */
export interface SelectionProblem {
  key: 'select' | 'fromMinute' | 'toMinute';
  message: string;
  hint: string;
}

// Hashes are 64 hex characters; a unique prefix is enough, as with git commits and Docker ids.
const MIN_PREFIX = 6;

interface Candidate {
  hash: string;
  total: number;
}

function candidates(trace: Trace): Candidate[] {
  if (trace.format === 'azure2019') return trace.rows.map((r) => ({ hash: r.func, total: r.total }));
  return [...trace.functions.values()].map((f) => ({ hash: f.func, total: f.starts.length }));
}

// Indexes of the rows the selector names, or a problem saying why none.
function pick(trace: Trace, selector: TraceSelector): number[] | SelectionProblem {
  const all = candidates(trace);
  if (selector === 'all') return all.map((_, i) => i);
  if ('rank' in selector) {
    // Rank 1 is the busiest function of the file; ties keep file order.
    const order = all.map((c, i) => ({ ...c, i })).sort((a, b) => b.total - a.total || a.i - b.i);
    const chosen = order[selector.rank - 1];
    if (!chosen) return { key: 'select', message: `select.rank ${selector.rank} is beyond the ${all.length} function(s) in the trace`, hint: `pick a rank from 1 to ${all.length}, or select: all` };
    return [chosen.i];
  }
  const wanted = selector.hash.toLowerCase();
  const matches = all.flatMap((c, i) => (c.hash.toLowerCase().startsWith(wanted) ? [i] : []));
  if (matches.length === 0) return { key: 'select', message: `no function hash in the trace starts with "${selector.hash}"`, hint: `the trace holds ${all.length} function(s); select by rank (select: { rank: 1 } is the busiest) or copy a HashFunction/func value` };
  const distinct = new Set(matches.map((i) => all[i]?.hash));
  if (distinct.size > 1) return { key: 'select', message: `"${selector.hash}" matches ${distinct.size} function hashes`, hint: 'write more characters of the hash' };
  if (wanted.length < MIN_PREFIX && wanted !== all[matches[0] ?? 0]?.hash.toLowerCase()) {
    return { key: 'select', message: `"${selector.hash}" is too short a hash prefix`, hint: `write at least ${MIN_PREFIX} characters of the hash` };
  }
  return matches;
}

/** Applies a selector: one function, or all of them merged (counts added, arrivals interleaved). */
export function selectFunctions(trace: Trace, selector: TraceSelector): Selected | SelectionProblem {
  const picked = pick(trace, selector);
  if (!Array.isArray(picked)) return picked;
  const label = selector === 'all' ? `all ${picked.length} functions merged` : `function ${candidates(trace)[picked[0] ?? 0]?.hash.slice(0, 12) ?? '?'}…`;
  if (trace.format === 'azure2019') {
    const counts = new Float64Array(trace.minutes);
    for (const i of picked) trace.rows[i]?.counts.forEach((n, m) => (counts[m] = (counts[m] ?? 0) + n));
    return { format: 'azure2019', label, counts };
  }
  const functions = [...trace.functions.values()];
  const starts = Float64Array.from(picked.flatMap((i) => functions[i]?.starts ?? [])).sort();
  return { format: 'azure2021', label, starts };
}
