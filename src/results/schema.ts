import { z } from 'zod';
import { RUNTIME_NAMES } from '../scenario/schema.js';
import { RUNTIME_KNOB_KEYS, knobOf } from '../scenario/knobs/index.js';
import { fromData } from './histogram.js';
import type { RunResult } from './model.js';
import { pricesSchema } from '../scenario/prices.js';
import { adviceSchema } from '../scenario/advice.js';
import { ARRIVALS_ENCODING, decodeColumns } from './arrivals.js';

/**
 * The shape of results.json (model.ts), checked with the same library as scenarios before any command
 * reads a file: `report`, `merge` and every later reader get a RunResult they can trust or a list of
 * JSON paths that are wrong. Adding an optional field to the model is one line here (`.exactOptional()`).
 *
 * Objects are loose (unknown fields are kept, not refused): within one schemaVersion a newer coldlab may
 * add optional fields, and a reader that ignores them loses nothing; a change an older reader would
 * misread bumps SCHEMA_VERSION instead, which store.ts checks first.
 */
const count = z.number().int().nonnegative();
const us = z.number().nonnegative();
const ms = z.number().nonnegative();
const text = z.string();

// The encoded histogram must decode, and hold as many values as it claims: percentiles come from it when runs merge.
const histogram = z
  .looseObject({
    encoded: text.max(10_000_000),
    count,
    minUs: us,
    meanUs: us,
    p50Us: us,
    p90Us: us,
    p99Us: us,
    p999Us: us,
    maxUs: us,
  })
  .superRefine((h, ctx) => {
    let total: number;
    try {
      total = fromData(h).totalCount;
    } catch {
      ctx.addIssue({ code: 'custom', path: ['encoded'], message: 'is not an encoded HDR histogram' });
      return;
    }
    if (total !== h.count) ctx.addIssue({ code: 'custom', path: ['count'], message: `says ${h.count} values but the histogram holds ${total}` });
  });

const latencySet = z.looseObject({ corrected: histogram, uncorrected: histogram });
const coldReason = z.enum(['scale-out', 'keepalive-expired']);

const phase = z.looseObject({
  name: text,
  // A string, not the scenario's list of kinds: a reader shows a kind it does not know rather than refuse the file.
  kind: text,
  loop: z.enum(['open', 'closed']),
  startMs: ms,
  durationMs: ms,
  targetRate: z.number().nonnegative().exactOptional(),
  achievedRate: z.number().nonnegative(),
  scheduled: count.exactOptional(),
  sent: count,
  ok: count,
  errors: z.record(text, count),
  sendLag: z.looseObject({ p50Us: us, p99Us: us, maxUs: us, growing: z.boolean() }).exactOptional(),
  latency: z.looseObject({ all: latencySet.exactOptional(), cold: latencySet.exactOptional(), warm: latencySet.exactOptional() }),
  coldStarts: z.looseObject({ 'scale-out': count, 'keepalive-expired': count }),
  coldInit: histogram.exactOptional(),
  queueWait: histogram.exactOptional(),
  valid: z.boolean(),
  invalidReasons: z.array(text),
  service: z.looseObject({ warm: histogram.exactOptional(), cold: histogram.exactOptional() }).exactOptional(),
});

const startBreakdown = z.looseObject({
  fetchMs: ms.exactOptional(),
  compileMs: ms.exactOptional(),
  instantiateMs: ms.exactOptional(),
  createMs: ms.exactOptional(),
  startMs: ms.exactOptional(),
  bootMs: ms.exactOptional(),
  initMs: ms.exactOptional(),
  totalMs: ms,
});

const instance = z.looseObject({
  id: text,
  provisioned: z.boolean(),
  coldReason: z.enum(['scale-out', 'keepalive-expired', 'provisioned']),
  startedAtMs: ms,
  readyAtMs: ms.exactOptional(),
  stoppedAtMs: ms.exactOptional(),
  stopReason: z.enum(['keepalive', 'end-of-variant', 'crashed', 'oom-killed', 'start-failed', 'interrupted']).exactOptional(),
  start: startBreakdown.exactOptional(),
  requests: count,
  limitsEnforced: z.boolean(),
  peakMemoryBytes: count.exactOptional(),
  cpuUsageUs: us.exactOptional(),
  cpuThrottledUs: us.exactOptional(),
  error: text.exactOptional(),
  guestMemory: z.looseObject({ memTotalKb: count, memAvailableKb: count, cachedKb: count }).exactOptional(),
  sandboxRssBytes: count.exactOptional(),
});

const timelinePoint = z.looseObject({
  t: z.number(),
  requests: count,
  errors: count,
  coldStarts: count,
  instances: count,
  p50Us: us.exactOptional(),
  p99Us: us.exactOptional(),
  hostMemAvailableKb: count.exactOptional(),
  hostCachedKb: count.exactOptional(),
  instancesMemoryBytes: count.exactOptional(),
  instancesCpuUs: us.exactOptional(),
  instancesThrottledUs: us.exactOptional(),
});

const variant = z.looseObject({
  key: text,
  id: text,
  repetition: count,
  runtime: z.enum(RUNTIME_NAMES),
  memoryMb: count,
  provisionedConcurrency: count,
  prewarm: z.boolean(),
  keepAliveMs: ms,
  instanceConcurrency: count,
  maxInstances: count,
  // Each runtime's own knobs (scenario/knobs/), as their schemas take them.
  ...Object.fromEntries(RUNTIME_KNOB_KEYS.map((key) => [key, knobOf(key).schema.exactOptional()])),
  cpus: z.number().nonnegative(),
  phases: z.array(z.looseObject({ kind: text, name: text.exactOptional() })),
  requestTimeoutMs: ms,
});

// The arrival log must decode to as many requests as it claims: the keep-alive what-if replays it. A thinned
// log (sampledOneIn) says how many requests it was drawn from; files without the field hold every request.
const arrivals = z
  .looseObject({
    encoding: z.literal(ARRIVALS_ENCODING),
    count,
    intendedUs: text.max(50_000_000),
    serviceUs: text.max(50_000_000),
    sampledOneIn: z.number().int().min(1).exactOptional(),
    requests: count.exactOptional(),
  })
  .superRefine((log, ctx) => {
    try {
      decodeColumns(log);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: error instanceof Error ? error.message : String(error) });
    }
    if (log.requests !== undefined && log.requests < log.count) ctx.addIssue({ code: 'custom', path: ['requests'], message: `a log of ${log.count} entries was drawn from ${log.requests} requests` });
  });

const variantBase = {
  variant,
  startedAt: text,
  durationMs: ms,
  phases: z.array(phase),
  instances: z.array(instance),
  timeline: z.array(timelinePoint),
  limitsEnforced: z.boolean(),
  notes: z.array(text),
  sandbox: z.record(text, text).exactOptional(),
  arrivals: arrivals.exactOptional(),
};

const variantResult = z.discriminatedUnion('status', [
  z.looseObject({ ...variantBase, status: z.literal('completed') }),
  z.looseObject({ ...variantBase, status: z.literal('invalid'), invalidReasons: z.array(text) }),
  z.looseObject({ ...variantBase, status: z.literal('failed'), error: z.looseObject({ code: text, message: text, hint: text.exactOptional() }) }),
]);

export const runResultSchema = z.looseObject({
  schemaVersion: z.number().int(),
  tool: z.looseObject({ name: z.literal('coldlab'), version: text }),
  runId: text.min(1),
  scenario: z.looseObject({ name: text, file: text, description: text.exactOptional() }),
  startedAt: text,
  finishedAt: text.exactOptional(),
  complete: z.boolean(),
  host: z.looseObject({
    hostname: text,
    os: text,
    kernel: text,
    cpuModel: text,
    cores: count,
    memoryBytes: count,
    node: text,
    cgroupVersion: z.union([z.literal(1), z.literal(2), z.null()]),
  }),
  variants: z.array(variantResult),
  /** Run ids a merged file was made from (absent: one run); merge refuses inputs that share one. */
  sources: z.array(text).exactOptional(),
  runtimes: z.record(text, z.record(text, text)).exactOptional(),
  upgradedFrom: count.exactOptional(),
  // The same limits as the scenario's cost: and advice: sections (loose: a newer coldlab may add a key).
  prices: z.looseObject(pricesSchema.shape).exactOptional(),
  advice: z.looseObject({ ...adviceSchema.shape, p99Of: adviceSchema.shape.p99Of.unwrap().exactOptional(), balancedWeight: adviceSchema.shape.balancedWeight.unwrap() }).exactOptional(),
  // The gate's keys (gate/): thresholds as written, how each fared, which shard, which A/B side.
  thresholds: z.array(z.looseObject({ expression: text.min(1).max(200), phase: text.exactOptional() })).max(1_000).exactOptional(),
  thresholdResults: z
    .array(
      z.looseObject({
        variantKey: text,
        expression: text,
        phase: text.exactOptional(),
        metric: text,
        measured: z.number().exactOptional(),
        passed: z.boolean(),
        note: text.exactOptional(),
      }),
    )
    .exactOptional(),
  shard: z
    .looseObject({ index: z.number().int().min(1), count: z.number().int().min(1).max(1_000), plan: z.array(text) })
    .refine((s) => s.index <= s.count, { message: 'shard index is beyond the shard count' })
    .exactOptional(),
  ab: z.looseObject({ side: z.enum(['baseline', 'candidate']), pairedWith: text }).exactOptional(),
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
