import { z } from 'zod';
import { RUNTIME_NAMES } from '../scenario/runtimeNames.js';
import { RUNTIME_KNOB_KEYS, knobOf } from '../scenario/knobs/index.js';
import { pricesSchema } from '../scenario/prices.js';
import { adviceSchema } from '../scenario/advice.js';
import type { Variant } from '../scenario/variant.js';
import type { PhaseKind } from '../scenario/schema.js';
import { eventsResultSchema } from './events.js';

/**
 * The output model: results.json as one zod schema, and every result type derived from it, so the shape is
 * written once. schema.ts adds the checks that need code (histograms decode, arrival logs decode) and reads
 * files against it. Objects accept keys they do not name (a reader keeps a newer coldlab's optional fields);
 * a change an older reader would misread bumps SCHEMA_VERSION instead, which store.ts checks first.
 */

/**
 * Bumped whenever a reader of an older results.json would misread a newer one.
 * 2: variants carry their arrival log, the run its prices and advice settings (a version-1 file still reads: see upgrade.ts).
 */
export const SCHEMA_VERSION = 2;

const count = z.number().int().nonnegative();
const us = z.number().nonnegative();
const ms = z.number().nonnegative();
const text = z.string();

/** An HDR histogram of integer microseconds, travelling as compressed base64 so results merge exactly. */
export const histogramSchema = z.object({
  /** hdr-histogram-js encodeIntoCompressedBase64 (V2). */
  encoded: text.max(10_000_000),
  count,
  minUs: us,
  meanUs: us,
  p50Us: us,
  p90Us: us,
  p99Us: us,
  p999Us: us,
  maxUs: us,
});

/** Latency measured from the intended send time (corrected) and from the actual send (uncorrected). */
const latencySet = z.object({ corrected: histogramSchema, uncorrected: histogramSchema });
const coldReason = z.enum(['scale-out', 'keepalive-expired']);

const sendLag = z.object({
  p50Us: us,
  p99Us: us,
  maxUs: us,
  /** True when lag kept growing over the phase: the sender could not keep up. */
  growing: z.boolean(),
});

const phase = z.object({
  name: text,
  // A string, not the scenario's list of kinds: a reader shows a kind it does not know rather than refuse the file.
  kind: text,
  loop: z.enum(['open', 'closed']),
  /** Offset from the variant's start, ms. */
  startMs: ms,
  durationMs: ms,
  /** Target rate for open-loop phases (requests / s over the phase), absent for idle and closed loop. */
  targetRate: z.number().nonnegative().exactOptional(),
  achievedRate: z.number().nonnegative(),
  /** Open loop: requests the schedule held (random for Poisson); validity compares `sent` with it. */
  scheduled: count.exactOptional(),
  sent: count,
  ok: count,
  /** Errors by kind: "http-500", "timeout", "connection", "no-instance"... */
  errors: z.record(text, count),
  sendLag: sendLag.exactOptional(),
  latency: z.object({ all: latencySet.exactOptional(), cold: latencySet.exactOptional(), warm: latencySet.exactOptional() }),
  coldStarts: z.object({ 'scale-out': count, 'keepalive-expired': count }),
  /** Init time (ms, as µs histogram) carried by the cold requests of this phase. */
  coldInit: histogramSchema.exactOptional(),
  queueWait: histogramSchema.exactOptional(),
  /**
   * Time on an instance, for the capacity planner: warm = response time − queue wait (the instance's service
   * time); cold = the instance's start + this request's time on it (what a cold start costs the instance).
   */
  service: z.object({ warm: histogramSchema.exactOptional(), cold: histogramSchema.exactOptional() }).exactOptional(),
  valid: z.boolean(),
  invalidReasons: z.array(text),
});

/** Milliseconds spent in each step of a cold start, as far as the runtime can tell them apart. */
export const startBreakdownSchema = z.object({
  /** Image pull, page-cache drop, artifact fetch (prewarm off). */
  fetchMs: ms.exactOptional(),
  /** Wasm: compiling the module's bytes to machine code (absent when the start reused a compiled module). */
  compileMs: ms.exactOptional(),
  /** Wasm: creating an instance of the compiled module (linear memory, tables, imports). */
  instantiateMs: ms.exactOptional(),
  /** Sandbox creation: process spawn, container create, VM launch. */
  createMs: ms.exactOptional(),
  /** Starting the created sandbox, where that is a step of its own (container start). */
  startMs: ms.exactOptional(),
  /** From sandbox start until the bootstrap runs. */
  bootMs: ms.exactOptional(),
  /** The function's own init (module load + top-level code), measured inside the instance. */
  initMs: ms.exactOptional(),
  /** From the start call until the instance answered its readiness check. */
  totalMs: ms,
});

/** A VM guest's own /proc/meminfo figures (kB). */
export const guestMemorySchema = z.object({ memTotalKb: count, memAvailableKb: count, cachedKb: count });

const instance = z.object({
  id: text,
  provisioned: z.boolean(),
  coldReason: z.enum(['scale-out', 'keepalive-expired', 'provisioned']),
  /** Offsets from the variant's start, ms. */
  startedAtMs: ms,
  readyAtMs: ms.exactOptional(),
  stoppedAtMs: ms.exactOptional(),
  stopReason: z.enum(['keepalive', 'end-of-variant', 'crashed', 'oom-killed', 'start-failed', 'interrupted']).exactOptional(),
  start: startBreakdownSchema.exactOptional(),
  requests: count,
  limitsEnforced: z.boolean(),
  peakMemoryBytes: count.exactOptional(),
  cpuUsageUs: us.exactOptional(),
  cpuThrottledUs: us.exactOptional(),
  /** microVM: the guest's own /proc/meminfo (kB) at its lowest MemAvailable. */
  guestMemory: guestMemorySchema.exactOptional(),
  /** microVM: peak resident memory of the host process holding the guest (QEMU), bytes: guest RAM it touched plus its overhead. */
  sandboxRssBytes: count.exactOptional(),
  error: text.exactOptional(),
});

const timelinePoint = z.object({
  /** Second since the variant's start. */
  t: z.number(),
  requests: count,
  errors: count,
  coldStarts: count,
  instances: count,
  p50Us: us.exactOptional(),
  p99Us: us.exactOptional(),
  hostMemAvailableKb: count.exactOptional(),
  /** Host page cache (/proc/meminfo Cached): what prewarm off evicts. */
  hostCachedKb: count.exactOptional(),
  /** Sum over live instances' cgroups, sampled in this second. */
  instancesMemoryBytes: count.exactOptional(),
  /** CPU time the instances used during this second (sum of cgroup counter deltas). */
  instancesCpuUs: us.exactOptional(),
  /** Time the instances were throttled by their CPU quota during this second. */
  instancesThrottledUs: us.exactOptional(),
});

// What a reader needs of the variant to trust a file; its type is the scenario's Variant (below).
const variant = z.object({
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
  ...(Object.fromEntries(RUNTIME_KNOB_KEYS.map((key) => [key, knobOf(key).schema.exactOptional()])) as Record<string, z.ZodType>),
  cpus: z.number().nonnegative(),
  phases: z.array(z.object({ kind: text, name: text.exactOptional() })),
  requestTimeoutMs: ms,
});

/** Every request's intended send time and instance time (or a 1-in-w sample of them), compactly (results/arrivals.ts), for the replays. */
export const arrivalLogSchema = z.object({
  encoding: z.literal('delta-varint-base64'),
  count,
  /** Intended send times, µs from the variant's start, as deltas. */
  intendedUs: text.max(50_000_000),
  /** Time each request kept its instance busy, µs, same order. */
  serviceUs: text.max(50_000_000),
  /** Set when a long run kept only every w-th request (ArrivalCollector): each entry stands for w requests. Absent: every request. */
  sampledOneIn: z.number().int().min(1).exactOptional(),
  /** Requests the variant sent, set with `sampledOneIn` (`count` is then the entries kept). */
  requests: count.exactOptional(),
});

const errorInfo = z.object({ code: text, message: text, hint: text.exactOptional() });

const hostInfo = z.object({
  hostname: text,
  os: text,
  kernel: text,
  cpuModel: text,
  cores: count,
  memoryBytes: count,
  node: text,
  cgroupVersion: z.union([z.literal(1), z.literal(2), z.null()]),
  /** Versions of the engines the runtimes used (e.g. { 'container.engine': '20.10.24' }), stamped on a variant's host by a merge. */
  engines: z.record(text, text).exactOptional(),
});

const variantBase = {
  variant,
  startedAt: text,
  durationMs: ms,
  phases: z.array(phase),
  instances: z.array(instance),
  timeline: z.array(timelinePoint),
  /** Whether memory/CPU limits were really applied to every instance. */
  limitsEnforced: z.boolean(),
  notes: z.array(text),
  /** Facts about the sandbox the runtime found, e.g. { sandbox: 'gvisor', 'gvisor.platform': 'ptrace' }. */
  sandbox: z.record(text, text).exactOptional(),
  /** Absent in version-1 files and in merged variants (arrivals of different runs do not add up). */
  arrivals: arrivalLogSchema.exactOptional(),
  /** The host this variant ran on, set when a merge put variants of different hosts in one file (results/hosts.ts). */
  host: hostInfo.exactOptional(),
  /** Event phases: stage histograms, trigger counts and the stream audit (results/events.ts). */
  events: eventsResultSchema(histogramSchema).exactOptional(),
};

/** A tagged union: a variant completed, ran but cannot be trusted (invalid, with why), or failed. */
const variantResult = z.discriminatedUnion('status', [
  z.object({ ...variantBase, status: z.literal('completed') }),
  z.object({ ...variantBase, status: z.literal('invalid'), invalidReasons: z.array(text) }),
  z.object({ ...variantBase, status: z.literal('failed'), error: errorInfo }),
]);

/** A threshold as the scenario wrote it, kept so a merged result can be judged again (`coldlab gate`). */
const thresholdSpec = z.object({
  expression: text.min(1).max(200),
  /** Phase it is scoped to; absent = all phases. */
  phase: text.exactOptional(),
});

/** One threshold judged on one variant (all its repetitions together). */
const thresholdOutcome = z.object({
  variantKey: text,
  expression: text,
  phase: text.exactOptional(),
  metric: text,
  /** In the metric's unit (µs, fraction, dollars); absent when there was nothing to measure. */
  measured: z.number().exactOptional(),
  passed: z.boolean(),
  /** Why there is no figure, or why it failed without one. */
  note: text.exactOptional(),
});

/** Which part of a sharded run this file holds (`coldlab run --shard i/n`). */
const shardInfo = z
  .object({
    index: z.number().int().min(1),
    count: z.number().int().min(1).max(1_000),
    /** Every variant id of the unsharded run, in run order, so a merge can restore order and spot a missing shard. */
    plan: z.array(text),
  })
  .refine((s) => s.index <= s.count, { message: 'shard index is beyond the shard count' });

export const runResultShape = z.object({
  schemaVersion: z.number().int(),
  /** Set when this was read from an older file and brought up to schemaVersion (results/upgrade.ts). */
  upgradedFrom: count.exactOptional(),
  tool: z.object({ name: z.literal('coldlab'), version: text }),
  runId: text.min(1),
  scenario: z.object({ name: text, file: text, description: text.exactOptional() }),
  startedAt: text,
  finishedAt: text.exactOptional(),
  /** False when the run was interrupted (Ctrl-C, crash): what is here was gathered before that. */
  complete: z.boolean(),
  host: hostInfo,
  /** What the runtimes used found about this machine, by runtime: e.g. { microvm: { accelerator: 'tcg' } }. */
  runtimes: z.record(text, z.record(text, text)).exactOptional(),
  /** The prices recommendations use (the scenario's `cost:` over the defaults); absent in version-1 files. */
  prices: pricesSchema.exactOptional(),
  /** The scenario's `advice:` settings (a file may leave out those that have defaults); absent in version-1 files. */
  advice: z.object({ ...adviceSchema.shape, p99Of: adviceSchema.shape.p99Of.unwrap().exactOptional(), balancedWeight: adviceSchema.shape.balancedWeight.unwrap() }).exactOptional(),
  variants: z.array(variantResult),
  /** Run ids a merged file was made from (absent: one run); merge refuses inputs that share one. */
  sources: z.array(text).exactOptional(),
  /** The scenario's thresholds, as written. */
  thresholds: z.array(thresholdSpec).max(1_000).exactOptional(),
  /** How each threshold fared on each variant, judged after the run. */
  thresholdResults: z.array(thresholdOutcome).exactOptional(),
  shard: shardInfo.exactOptional(),
  /** In an interleaved A/B run: which side this file holds, and the other side's run id. */
  ab: z.object({ side: z.enum(['baseline', 'candidate']), pairedWith: text }).exactOptional(),
});

export type StartKind = 'cold' | 'warm';
/** Why a cold start happened: a new instance beyond the peak so far, or one that keep-alive had reaped. */
export type ColdReason = z.output<typeof coldReason>;
export type HistogramData = z.output<typeof histogramSchema>;
export type LatencySet = z.output<typeof latencySet>;
export type SendLag = z.output<typeof sendLag>;
/** A phase's figures; its kind is one the scenario knows (the file may hold one a newer coldlab added). */
export type PhaseResult = Omit<z.output<typeof phase>, 'kind'> & { kind: PhaseKind };
export type StartBreakdown = z.output<typeof startBreakdownSchema>;
export type GuestMemory = z.output<typeof guestMemorySchema>;
export type InstanceRecord = z.output<typeof instance>;
export type TimelinePoint = z.output<typeof timelinePoint>;
export type ErrorInfo = z.output<typeof errorInfo>;
export type ArrivalLog = z.output<typeof arrivalLogSchema>;
export type HostInfo = z.output<typeof hostInfo>;
export type ThresholdSpec = z.output<typeof thresholdSpec>;
export type ThresholdOutcome = z.output<typeof thresholdOutcome>;
export type ShardInfo = z.output<typeof shardInfo>;

// The schema checks what a reader needs of a variant and its phases; their types are the scenario's.
type WithScenarioTypes<T> = T extends { variant: unknown; phases: unknown } ? Omit<T, 'variant' | 'phases'> & { variant: Variant; phases: PhaseResult[] } : never;
export type VariantResult = WithScenarioTypes<z.output<typeof variantResult>>;
export type RunResult = Omit<z.output<typeof runResultShape>, 'variants'> & { variants: VariantResult[] };
