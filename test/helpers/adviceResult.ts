import type { ArrivalLog, InstanceRecord, LatencySet, PhaseResult, RunResult, VariantResult } from '../../src/results/model.js';
import { SCHEMA_VERSION } from '../../src/results/model.js';
import { newHistogram, recordUs, toData } from '../../src/results/histogram.js';
import { encodeArrivals, type Arrival } from '../../src/results/arrivals.js';
import type { AdviceSettings } from '../../src/scenario/advice.js';
import { SAMPLE_HOST } from './sampleResult.js';

/** One variant with figures chosen by the test: every warm request takes exactly `warmUs`. */
export interface KnownVariant {
  memoryMb: number;
  provisioned?: number;
  prewarm?: boolean;
  warmUs: number;
  warmCount?: number;
  /** Spread the warm requests evenly over [warmUs, warmUs + warmSpreadUs) instead of all at warmUs. */
  warmSpreadUs?: number;
  status?: 'completed' | 'invalid' | 'failed';
  instances?: InstanceRecord[];
  arrivals?: Arrival[];
  /** A log as written (e.g. a thinned one from ArrivalCollector), used instead of `arrivals`. */
  arrivalLog?: ArrivalLog;
  phaseName?: string;
  durationMs?: number;
}

function latency(us: number, count: number, spreadUs = 0): LatencySet {
  const h = newHistogram();
  for (let i = 0; i < count; i++) recordUs(h, us + Math.floor((spreadUs * i) / count));
  const data = toData(h);
  return { corrected: data, uncorrected: data };
}

/** A results file built from known figures, so tests can work out the advice by hand. */
export function knownResult(variants: KnownVariant[], advice: Partial<AdviceSettings> = {}): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldlab', version: 'test' },
    runId: 'known',
    scenario: { name: 'known', file: '/known.yaml' },
    startedAt: '2026-11-26T00:00:00.000Z',
    complete: true,
    host: SAMPLE_HOST,
    advice: { balancedWeight: 0.5, p99Of: 'warm', ...advice },
    variants: variants.map((k, i): VariantResult => {
      const count = k.warmCount ?? 100;
      const durationMs = k.durationMs ?? 10_000;
      const set = latency(k.warmUs, count, k.warmSpreadUs);
      const phase: PhaseResult = {
        name: k.phaseName ?? 'steady',
        kind: 'constant',
        loop: 'open',
        startMs: 0,
        durationMs,
        achievedRate: count / (durationMs / 1000),
        sent: count,
        ok: count,
        errors: {},
        latency: { all: set, warm: set },
        coldStarts: { 'scale-out': 0, 'keepalive-expired': 0 },
        valid: true,
        invalidReasons: [],
      };
      const prov = k.provisioned ?? 0;
      const key = `process/mem=${k.memoryMb}/prov=${prov}/prewarm=${k.prewarm === false ? 'off' : 'on'}/ka=1000/conc=1/max=4`;
      const base = {
        variant: {
          key,
          id: `${key}#1`,
          repetition: 1,
          runtime: 'process' as const,
          memoryMb: k.memoryMb,
          provisionedConcurrency: prov,
          prewarm: k.prewarm ?? true,
          keepAliveMs: 1000,
          instanceConcurrency: 1,
          maxInstances: 4,
          cpus: k.memoryMb / 1769,
          phases: [{ kind: 'constant' as const, name: phase.name, rate: 10, duration: durationMs }],
          requestTimeoutMs: 10_000,
        },
        startedAt: '2026-11-26T00:00:00.000Z',
        durationMs,
        phases: [phase],
        instances: k.instances ?? [],
        timeline: [],
        limitsEnforced: true,
        notes: [],
        ...(k.arrivalLog ? { arrivals: k.arrivalLog } : k.arrivals ? { arrivals: encodeArrivals(k.arrivals) } : {}),
      };
      if (k.status === 'invalid') return { ...base, status: 'invalid', invalidReasons: [`steady: sent 10 of 100 scheduled requests (variant ${i + 1})`] };
      if (k.status === 'failed') return { ...base, status: 'failed', error: { code: 'START_FAILED', message: 'instance did not start' } };
      return { ...base, status: 'completed' };
    }),
  };
}

/** An instance record: started for a request (cold) unless provisioned. */
export function instance(id: string, startedAtMs: number, options: { provisioned?: boolean; requests?: number; stoppedAtMs?: number; startMs?: number } = {}): InstanceRecord {
  const startMs = options.startMs ?? 100;
  return {
    id,
    provisioned: options.provisioned ?? false,
    coldReason: options.provisioned ? 'provisioned' : 'scale-out',
    startedAtMs,
    readyAtMs: startedAtMs + startMs,
    ...(options.stoppedAtMs !== undefined ? { stoppedAtMs: options.stoppedAtMs } : {}),
    start: { initMs: startMs / 2, bootMs: startMs / 2, totalMs: startMs },
    requests: options.requests ?? 0,
    limitsEnforced: true,
  };
}
