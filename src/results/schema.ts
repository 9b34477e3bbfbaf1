import { z } from 'zod';
import { fromData } from './histogram.js';
import { runResultShape, type HistogramData, type RunResult } from './model.js';
import { decodeColumns } from './arrivals.js';

/**
 * results.json checked before any command reads it: `report`, `merge` and every later reader get a RunResult
 * they can trust or a list of JSON paths that are wrong. The shape is the output model's (model.ts); this
 * adds what needs code: every histogram decodes and holds as many values as it claims (percentiles come from
 * them when runs merge), every arrival log decodes (the replays read it).
 */
type Ctx = z.core.$RefinementCtx<unknown>;

function checkHistogram(h: HistogramData | undefined, path: PropertyKey[], ctx: Ctx): void {
  if (!h) return;
  let total: number;
  try {
    total = fromData(h).totalCount;
  } catch {
    ctx.addIssue({ code: 'custom', path: [...path, 'encoded'], message: 'is not an encoded HDR histogram' });
    return;
  }
  if (total !== h.count) ctx.addIssue({ code: 'custom', path: [...path, 'count'], message: `says ${h.count} values but the histogram holds ${total}` });
}

export const runResultSchema = runResultShape.superRefine((run, ctx) => {
  run.variants.forEach((v, i) => {
    v.phases.forEach((p, j) => {
      const at = ['variants', i, 'phases', j];
      for (const kind of ['all', 'cold', 'warm'] as const) for (const m of ['corrected', 'uncorrected'] as const) checkHistogram(p.latency[kind]?.[m], [...at, 'latency', kind, m], ctx);
      checkHistogram(p.coldInit, [...at, 'coldInit'], ctx);
      checkHistogram(p.queueWait, [...at, 'queueWait'], ctx);
      checkHistogram(p.service?.warm, [...at, 'service', 'warm'], ctx);
      checkHistogram(p.service?.cold, [...at, 'service', 'cold'], ctx);
    });
    v.events?.phases.forEach((p, j) => {
      for (const [stage, set] of Object.entries(p.stages)) for (const kind of ['all', 'cold', 'warm'] as const) checkHistogram(set[kind], ['variants', i, 'events', 'phases', j, 'stages', stage, kind], ctx);
    });
    const log = v.arrivals;
    if (!log) return;
    // The log must decode to as many requests as it claims; a thinned one says how many it was drawn from.
    try {
      decodeColumns(log);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['variants', i, 'arrivals', 'count'], message: error instanceof Error ? error.message : String(error) });
    }
    if (log.requests !== undefined && log.requests < log.count) ctx.addIssue({ code: 'custom', path: ['variants', i, 'arrivals', 'requests'], message: `a log of ${log.count} entries was drawn from ${log.requests} requests` });
  });
});

/** `variants[0].phases[2].sent` */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(the whole file)';
}

// zod's "Invalid input: expected object, received undefined" says "missing" the long way round.
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `missing (${issue.expected} expected)`;
  return issue.message;
}

export type ResultsCheck = { ok: true; result: RunResult } | { ok: false; problems: string[]; total: number };

// The checked value itself (unknown fields kept) is the RunResult; the guard is what lets the types say so.
function isRunResult(value: unknown, success: boolean): value is RunResult {
  return success;
}

/** Checks a parsed results file; on failure, the first `shown` problems as "path: what is wrong". */
export function checkResults(value: unknown, shown = 5): ResultsCheck {
  const parsed = runResultSchema.safeParse(value);
  if (isRunResult(value, parsed.success)) return { ok: true, result: value };
  const issues = parsed.error?.issues ?? [];
  return { ok: false, problems: issues.slice(0, shown).map((i) => `${jsonPath(i.path)}: ${describe(i)}`), total: issues.length };
}
