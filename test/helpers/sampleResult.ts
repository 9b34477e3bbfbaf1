import type { HostInfo, InstanceRecord, PhaseResult, RunResult, TimelinePoint, VariantResult } from '../../src/results/model.js';
import { SCHEMA_VERSION } from '../../src/results/model.js';
import { newHistogram, recordUs, toData } from '../../src/results/histogram.js';
import { mulberry32 } from '../../src/util/prng.js';
import type { Variant } from '../../src/scenario/variant.js';
import type { RuntimeName } from '../../src/scenario/schema.js';

/** One phase of a sample variant: how many warm and cold requests, and what went wrong. */
export interface SamplePhaseSpec {
  name: string;
  rate?: number;
  durationMs?: number;
  warm: number;
  cold: number;
  errors?: Record<string, number>;
  /** Achieved share of the target rate; below 0.95 the phase is invalid. Default 1. */
  achievedShare?: number;
}

export interface SampleVariantSpec {
  runtime?: RuntimeName;
  memoryMb?: number;
  provisioned?: number;
  prewarm?: boolean;
  repetition?: number;
  limitsEnforced?: boolean;
  /** 'failed' yields a variant with an error and hint; 'invalid' comes from a phase's achievedShare. */
  fail?: { code: string; message: string; hint?: string };
  phases?: SamplePhaseSpec[];
  /** 'full' (default): latency and cgroup figures each second; 'counts': requests and instances only; 'none': empty. */
  timeline?: 'full' | 'counts' | 'none';
}

export interface SampleSpec {
  seed?: number;
  scenarioName?: string;
  runId?: string;
  complete?: boolean;
  hostname?: string;
  variants?: SampleVariantSpec[];
}

export type StartSet = 'all' | 'cold' | 'warm';
export type Measure = 'corrected' | 'uncorrected';

/** Where the raw samples (µs) behind a histogram are kept, so tests can rebuild it from the union. */
export function sampleKey(variantKey: string, phase: string, set: StartSet, measure: Measure): string {
  return `${variantKey}|${phase}|${set}|${measure}`;
}

const DEFAULT_PHASES: SamplePhaseSpec[] = [
  { name: 'burst', rate: 20, durationMs: 2_000, warm: 30, cold: 10 },
  { name: 'steady', rate: 50, durationMs: 10_000, warm: 495, cold: 3, errors: { 'http-500': 2 } },
];

export const SAMPLE_HOST: HostInfo = {
  hostname: 'bench-01',
  os: 'Debian GNU/Linux 12',
  kernel: '6.1.0-18-amd64',
  cpuModel: 'AMD EPYC 7B13',
  cores: 2,
  memoryBytes: 8 * 1024 ** 3,
  node: 'v20.19.0',
  cgroupVersion: 2,
};

/**
 * Builds a realistic RunResult whose histograms were really recorded with histogram.ts (seeded, so
 * the same spec yields the same numbers), plus the raw samples behind every histogram.
 */
export function buildSample(spec: SampleSpec = {}): { result: RunResult; samples: Map<string, number[]> } {
  const random = mulberry32(spec.seed ?? 42);
  // Log-normal around a median: latency has a long right tail, never a bell curve.
  const logNormal = (medianUs: number, sigma: number): number => {
    const u = Math.max(random(), 1e-9);
    const v = random();
    return medianUs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
  const samples = new Map<string, number[]>();
  const specs = spec.variants ?? [{}, { provisioned: 1 }];
  const variants = specs.map((vs) => buildVariant(vs, logNormal, samples));
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldlab', version: '0.1.0' },
    runId: spec.runId ?? '2024-05-01T10-00-00Z-a1b2',
    scenario: { name: spec.scenarioName ?? 'quickstart', file: '/work/scenarios/quickstart.yaml', description: 'hello on the process runtime' },
    startedAt: '2024-05-01T10:00:00.000Z',
    complete: spec.complete ?? true,
    host: { ...SAMPLE_HOST, hostname: spec.hostname ?? SAMPLE_HOST.hostname },
    variants,
  };
  if (result.complete) result.finishedAt = '2024-05-01T10:00:31.250Z';
  return { result, samples };
}

export function sampleRunResult(spec: SampleSpec = {}): RunResult {
  return buildSample(spec).result;
}

function buildVariant(vs: SampleVariantSpec, logNormal: (m: number, s: number) => number, samples: Map<string, number[]>): VariantResult {
  const runtime = vs.runtime ?? 'process';
  const memoryMb = vs.memoryMb ?? 512;
  const provisioned = vs.provisioned ?? 0;
  const prewarm = vs.prewarm ?? true;
  const key = `${runtime}/mem=${memoryMb}/prov=${provisioned}/prewarm=${prewarm ? 'on' : 'off'}/ka=60000/conc=1/max=10`;
  const phaseSpecs = vs.phases ?? DEFAULT_PHASES;
  const variant: Variant = {
    key,
    id: `${key}#${vs.repetition ?? 1}`,
    repetition: vs.repetition ?? 1,
    runtime,
    memoryMb,
    provisionedConcurrency: provisioned,
    prewarm,
    keepAliveMs: 60_000,
    instanceConcurrency: 1,
    maxInstances: 10,
    cpus: Math.round((memoryMb / 1769) * 100) / 100,
    phases: phaseSpecs.map((p) => ({ kind: 'constant' as const, name: p.name, rate: p.rate ?? 50, duration: p.durationMs ?? 10_000 })),
    requestTimeoutMs: 10_000,
  };
  let offsetMs = 0;
  const phases = phaseSpecs.map((p) => {
    const phase = buildPhase(key, p, offsetMs, logNormal, samples);
    offsetMs += phase.durationMs;
    return phase;
  });
  const coldTotal = phaseSpecs.reduce((n, p) => n + p.cold, 0);
  const instances = buildInstances(provisioned, coldTotal, logNormal, vs.limitsEnforced ?? true);
  const base = {
    variant,
    startedAt: '2024-05-01T10:00:01.000Z',
    durationMs: offsetMs,
    phases,
    instances,
    timeline: sampleTimeline(offsetMs, coldTotal, provisioned, vs.timeline ?? 'full'),
    limitsEnforced: vs.limitsEnforced ?? true,
    notes: vs.limitsEnforced === false ? ['cgroup v2 not delegated to this user: memory and CPU limits were not applied'] : [],
  };
  if (vs.fail) return { ...base, status: 'failed', error: { code: vs.fail.code, message: vs.fail.message, ...(vs.fail.hint ? { hint: vs.fail.hint } : {}) } };
  const reasons = phases.flatMap((p) => p.invalidReasons);
  return reasons.length > 0 ? { ...base, status: 'invalid', invalidReasons: reasons } : { ...base, status: 'completed' };
}

function buildPhase(variantKey: string, p: SamplePhaseSpec, startMs: number, logNormal: (m: number, s: number) => number, samples: Map<string, number[]>): PhaseResult {
  const hist = { all: [newHistogram(), newHistogram()], cold: [newHistogram(), newHistogram()], warm: [newHistogram(), newHistogram()] } as const;
  const init = newHistogram();
  const record = (set: StartSet, corrected: number, uncorrected: number): void => {
    for (const [measure, us, h] of [['corrected', corrected, hist[set][0]], ['uncorrected', uncorrected, hist[set][1]]] as const) {
      recordUs(h, us);
      const k = sampleKey(variantKey, p.name, set, measure);
      samples.set(k, [...(samples.get(k) ?? []), us]);
    }
  };
  for (let i = 0; i < p.cold + p.warm; i++) {
    const cold = i < p.cold;
    const uncorrected = cold ? logNormal(95_000, 0.25) : logNormal(1_400, 0.45);
    // Corrected latency adds the time the request waited behind its intended send time.
    const corrected = uncorrected + logNormal(150, 0.8);
    record('all', corrected, uncorrected);
    record(cold ? 'cold' : 'warm', corrected, uncorrected);
    if (cold) recordUs(init, logNormal(62_000, 0.2));
  }
  const errors = p.errors ?? {};
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  const durationMs = p.durationMs ?? 10_000;
  const targetRate = p.rate ?? 50;
  const achievedRate = targetRate * (p.achievedShare ?? 1);
  const invalidReasons = achievedRate < targetRate * 0.95 ? [`${p.name}: achieved ${Math.round(achievedRate)} req/s of ${targetRate} target; the load generator did not apply the load the scenario asks for`] : [];
  const latency: PhaseResult['latency'] = {};
  for (const set of ['all', 'cold', 'warm'] as const) {
    const [c, u] = hist[set];
    if (c.totalCount > 0) latency[set] = { corrected: toData(c), uncorrected: toData(u) };
  }
  const phase: PhaseResult = {
    name: p.name,
    kind: 'constant',
    loop: 'open',
    startMs,
    durationMs,
    targetRate,
    achievedRate,
    sent: p.cold + p.warm + failed,
    ok: p.cold + p.warm,
    errors,
    sendLag: { p50Us: 90, p99Us: 850, maxUs: 2_400, growing: false },
    latency,
    coldStarts: { 'scale-out': p.cold, 'keepalive-expired': 0 },
    valid: invalidReasons.length === 0,
    invalidReasons,
  };
  if (init.totalCount > 0) phase.coldInit = toData(init);
  return phase;
}

function buildInstances(provisioned: number, cold: number, logNormal: (m: number, s: number) => number, limitsEnforced: boolean): InstanceRecord[] {
  return Array.from({ length: provisioned + cold }, (_, i): InstanceRecord => {
    const initMs = Math.round(logNormal(62, 0.2) * 10) / 10;
    const createMs = Math.round(logNormal(18, 0.3) * 10) / 10;
    const bootMs = Math.round(logNormal(25, 0.3) * 10) / 10;
    return {
      id: `i${i + 1}`,
      provisioned: i < provisioned,
      coldReason: i < provisioned ? 'provisioned' : 'scale-out',
      startedAtMs: i < provisioned ? 0 : 120 + i * 15,
      readyAtMs: (i < provisioned ? 0 : 120 + i * 15) + createMs + bootMs + initMs,
      stoppedAtMs: 12_000,
      stopReason: 'end-of-variant',
      start: { createMs, bootMs, initMs, totalMs: Math.round((createMs + bootMs + initMs) * 10) / 10 },
      requests: 40 + i * 7,
      limitsEnforced,
      peakMemoryBytes: 48 * 1024 * 1024 + i * 1_000_000,
    };
  });
}

/**
 * A per-second timeline that looks like a run's: cold starts and a latency spike in the first second, then
 * steady requests, with an error every fifth second. Derived from t alone, so it draws no random numbers
 * (the histograms above stay what they were).
 */
function sampleTimeline(durationMs: number, cold: number, provisioned: number, kind: 'full' | 'counts' | 'none'): TimelinePoint[] {
  if (kind === 'none') return [];
  return Array.from({ length: Math.ceil(durationMs / 1000) }, (_, t): TimelinePoint => {
    const point: TimelinePoint = { t, requests: 50, errors: t % 5 === 4 ? 1 : 0, coldStarts: t === 0 ? cold : 0, instances: Math.max(1, provisioned) + (t === 0 ? 0 : Math.min(cold, 3)) };
    if (kind === 'counts') return point;
    return {
      ...point,
      p50Us: t === 0 ? 48_000 : 1_300 + (t % 3) * 90,
      p99Us: t === 0 ? 118_000 : 3_200 + (t % 4) * 400,
      hostMemAvailableKb: 6_000_000 - t * 1_000,
      hostCachedKb: 2_000_000,
      instancesMemoryBytes: (48 + t) * 1024 * 1024 * point.instances,
      instancesCpuUs: t === 0 ? 640_000 : 180_000 + (t % 3) * 20_000,
      instancesThrottledUs: t === 0 ? 90_000 : 0,
    };
  });
}
