import type { Variant } from '../scenario/variant.js';
import type { PhaseKind } from '../scenario/schema.js';
import type { GuestMemory, RuntimeFacts, StartBreakdown } from './sandbox.js';
import type { Prices } from '../scenario/prices.js';
import type { AdviceSettings } from '../scenario/advice.js';

/**
 * Bumped whenever a reader of an older results.json would misread a newer one.
 * 2: variants carry their arrival log, the run its prices and advice settings (a version-1 file still reads: see upgrade.ts).
 */
export const SCHEMA_VERSION = 2;

export type StartKind = 'cold' | 'warm';
/** Why a cold start happened: a new instance beyond the peak so far, or one that keep-alive had reaped. */
export type ColdReason = 'scale-out' | 'keepalive-expired';

/** An HDR histogram of integer microseconds, travelling as compressed base64 so results merge exactly. */
export interface HistogramData {
  /** hdr-histogram-js encodeIntoCompressedBase64 (V2). */
  encoded: string;
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** Latency measured from the intended send time (corrected) and from the actual send (uncorrected). */
export interface LatencySet {
  corrected: HistogramData;
  uncorrected: HistogramData;
}

export interface SendLag {
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** True when lag kept growing over the phase: the sender could not keep up. */
  growing: boolean;
}

export interface PhaseResult {
  name: string;
  kind: PhaseKind;
  loop: 'open' | 'closed';
  /** Offset from the variant's start, ms. */
  startMs: number;
  durationMs: number;
  /** Target rate for open-loop phases (requests / s over the phase), absent for idle and closed loop. */
  targetRate?: number;
  achievedRate: number;
  /** Open loop: requests the schedule held (random for Poisson); validity compares `sent` with it. */
  scheduled?: number;
  sent: number;
  ok: number;
  /** Errors by kind: "http-500", "timeout", "connection", "no-instance"... */
  errors: Record<string, number>;
  sendLag?: SendLag;
  latency: { all?: LatencySet; cold?: LatencySet; warm?: LatencySet };
  coldStarts: Record<ColdReason, number>;
  /** Init time (ms, as µs histogram) carried by the cold requests of this phase. */
  coldInit?: HistogramData;
  queueWait?: HistogramData;
  /**
   * Time on an instance, for the capacity planner: warm = response time − queue wait (the instance's service
   * time); cold = the instance's start + this request's time on it (what a cold start costs the instance).
   */
  service?: { warm?: HistogramData; cold?: HistogramData };
  valid: boolean;
  invalidReasons: string[];
}

export interface InstanceRecord {
  id: string;
  provisioned: boolean;
  coldReason: ColdReason | 'provisioned';
  /** Offsets from the variant's start, ms. */
  startedAtMs: number;
  readyAtMs?: number;
  stoppedAtMs?: number;
  stopReason?: 'keepalive' | 'end-of-variant' | 'crashed' | 'oom-killed' | 'start-failed' | 'interrupted';
  start?: StartBreakdown;
  requests: number;
  limitsEnforced: boolean;
  peakMemoryBytes?: number;
  cpuUsageUs?: number;
  cpuThrottledUs?: number;
  /** microVM: the guest's own /proc/meminfo (kB) at its lowest MemAvailable. */
  guestMemory?: GuestMemory;
  /** microVM: peak resident memory of the host process holding the guest (QEMU), bytes: guest RAM it touched plus its overhead. */
  sandboxRssBytes?: number;
  error?: string;
}

export interface TimelinePoint {
  /** Second since the variant's start. */
  t: number;
  requests: number;
  errors: number;
  coldStarts: number;
  instances: number;
  p50Us?: number;
  p99Us?: number;
  hostMemAvailableKb?: number;
  /** Host page cache (/proc/meminfo Cached): what prewarm off evicts. */
  hostCachedKb?: number;
  /** Sum over live instances' cgroups, sampled in this second. */
  instancesMemoryBytes?: number;
  /** CPU time the instances used during this second (sum of cgroup counter deltas). */
  instancesCpuUs?: number;
  /** Time the instances were throttled by their CPU quota during this second. */
  instancesThrottledUs?: number;
}

export interface ErrorInfo {
  code: string;
  message: string;
  hint?: string;
}

/** Every request's intended send time and instance time (or a 1-in-w sample of them), compactly (results/arrivals.ts), for the keep-alive what-if. */
export interface ArrivalLog {
  encoding: 'delta-varint-base64';
  count: number;
  /** Intended send times, µs from the variant's start, as deltas. */
  intendedUs: string;
  /** Time each request kept its instance busy, µs, same order. */
  serviceUs: string;
  /** Set when a long run kept only every w-th request (ArrivalCollector): each entry stands for w requests. Absent: every request. */
  sampledOneIn?: number;
  /** Requests the variant sent, set with `sampledOneIn` (`count` is then the entries kept). */
  requests?: number;
}

interface VariantResultBase {
  variant: Variant;
  startedAt: string;
  durationMs: number;
  phases: PhaseResult[];
  instances: InstanceRecord[];
  timeline: TimelinePoint[];
  /** Whether memory/CPU limits were really applied to every instance. */
  limitsEnforced: boolean;
  notes: string[];
  /** Facts about the sandbox the runtime found, e.g. { sandbox: 'gvisor', 'gvisor.platform': 'ptrace' }. */
  sandbox?: Record<string, string>;
  /** Absent in version-1 files and in merged variants (arrivals of different runs do not add up). */
  arrivals?: ArrivalLog;
}

/** A tagged union: a variant completed, ran but cannot be trusted (invalid, with why), or failed. */
export type VariantResult =
  | (VariantResultBase & { status: 'completed' })
  | (VariantResultBase & { status: 'invalid'; invalidReasons: string[] })
  | (VariantResultBase & { status: 'failed'; error: ErrorInfo });

export interface HostInfo {
  hostname: string;
  os: string;
  kernel: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  cgroupVersion: 1 | 2 | null;
}

/** A threshold as the scenario wrote it, kept so a merged result can be judged again (`coldlab gate`). */
export interface ThresholdSpec {
  expression: string;
  /** Phase it is scoped to; absent = all phases. */
  phase?: string;
}

/** One threshold judged on one variant (all its repetitions together). */
export interface ThresholdOutcome {
  variantKey: string;
  expression: string;
  phase?: string;
  metric: string;
  /** In the metric's unit (µs, fraction, dollars); absent when there was nothing to measure. */
  measured?: number;
  passed: boolean;
  /** Why there is no figure, or why it failed without one. */
  note?: string;
}

/** Which part of a sharded run this file holds (`coldlab run --shard i/n`). */
export interface ShardInfo {
  index: number;
  count: number;
  /** Every variant id of the unsharded run, in run order, so a merge can restore order and spot a missing shard. */
  plan: string[];
}

export interface RunResult {
  schemaVersion: number;
  /** Set when this was read from an older file and brought up to schemaVersion (results/upgrade.ts). */
  upgradedFrom?: number;
  tool: { name: 'coldlab'; version: string };
  runId: string;
  scenario: { name: string; file: string; description?: string };
  startedAt: string;
  finishedAt?: string;
  /** False when the run was interrupted (Ctrl-C, crash): what is here was gathered before that. */
  complete: boolean;
  host: HostInfo;
  /** What the runtimes used found about this machine, by runtime: e.g. { microvm: { accelerator: 'tcg' } }. */
  runtimes?: Record<string, RuntimeFacts>;
  /** The prices recommendations use (the scenario's `cost:` over the defaults); absent in version-1 files. */
  prices?: Prices;
  /** The scenario's `advice:` settings; absent in version-1 files. */
  advice?: AdviceSettings;
  variants: VariantResult[];
  /** Run ids a merged file was made from (absent: one run); merge refuses inputs that share one. */
  sources?: string[];
  /** The scenario's thresholds, as written. */
  thresholds?: ThresholdSpec[];
  /** How each threshold fared on each variant, judged after the run. */
  thresholdResults?: ThresholdOutcome[];
  shard?: ShardInfo;
  /** In an interleaved A/B run: which side this file holds, and the other side's run id. */
  ab?: { side: 'baseline' | 'candidate'; pairedWith: string };
}
