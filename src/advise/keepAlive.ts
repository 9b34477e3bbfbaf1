import type { VariantResult } from '../results/model.js';
import { gbOf } from '../billing/rates.js';
import { meanInstancesOf } from '../plan/measured.js';
import { replayRun, type EnsembleReplay } from '../plan/replayRun.js';
import type { VariantFigures } from './figures.js';

/** One keep-alive value replayed: instance cold starts against memory held by idle instances. */
export interface KeepAlivePoint {
  keepAliveMs: number;
  instanceColdStarts: number;
  /** Requests that waited on a starting instance. */
  coldDelayedRequests: number;
  /** Instance cold starts per request. */
  coldStartRate: number;
  /** Memory-time of instances alive with no request in flight (starting excluded), GB-s. */
  idleGbSeconds: number;
}

export interface KeepAliveAdvice {
  variantKey: string;
  memoryMb: number;
  provisioned: number;
  /** Requests in the replayed window, all repetitions. */
  requests: number;
  measuredKeepAliveMs: number;
  /** What the run measured over the replayed window: instance cold starts (instance records) and idle memory-time. */
  measured: { instanceColdStarts: number; idleGbSeconds: number };
  /** The replay at the run's own keep-alive, to set beside `measured`: how far the curve can be trusted. */
  replayed: KeepAlivePoint;
  /** Instance cold starts over the replays' 5–95% range (each repetition's range, summed): how much one replay scatters. */
  replayedRange: { low: number; high: number; replays: number };
  curve: KeepAlivePoint[];
  /** The shortest keep-alive with the fewest instance cold starts on the curve: where a longer one stops paying. */
  recommendation: KeepAlivePoint & { basis: 'predicted' };
  /** Said once: phases the replay left out, a thinned arrival log. */
  notes: string[];
}

// Fractions and multiples of the measured keep-alive, plus the values platforms use (1 min, 10 min).
const FACTORS = [0, 0.125, 0.25, 0.5, 1, 2, 4, 8];
const FIXED_MS = [60_000, 600_000];
const SEED = 1;

/** The keep-alive what-if for every valid variant the simulator can replay. */
export function adviseKeepAlive(figures: VariantFigures[]): KeepAliveAdvice[] {
  return figures.flatMap((f) => {
    const advice = adviseVariant(f);
    return advice ? [advice] : [];
  });
}

/** Every repetition of a variant replayed under keep-alive `keepAliveMs`, summed; undefined when none can be. */
export function replayKeepAlive(f: VariantFigures, keepAliveMs: number): { point: KeepAlivePoint; replays: Array<{ run: VariantResult; replay: EnsembleReplay }> } | undefined {
  const replays = f.runs.flatMap((run) => {
    const replay = replayRun(run, SEED, { keepAliveMs });
    return 'skipped' in replay ? [] : [{ run, replay }];
  });
  if (replays.length === 0) return undefined;
  const gb = gbOf(f.variant.memoryMb);
  const sum = (get: (r: EnsembleReplay) => number): number => replays.reduce((n, { replay }) => n + get(replay), 0);
  const requests = sum((r) => r.predicted.requests);
  const starts = sum((r) => r.predicted.instanceStarts);
  return {
    point: { keepAliveMs, instanceColdStarts: starts, coldDelayedRequests: sum((r) => r.predicted.coldRequests), coldStartRate: requests > 0 ? starts / requests : 0, idleGbSeconds: sum((r) => r.idleInstanceSeconds) * gb },
    replays,
  };
}

function adviseVariant(f: VariantFigures): KeepAliveAdvice | undefined {
  const ka = f.variant.keepAliveMs;
  const own = replayKeepAlive(f, ka);
  if (!own) return undefined;
  const values = [...new Set([...FACTORS.map((x) => Math.round(ka * x)), ...FIXED_MS])].sort((a, b) => a - b);
  const curve = values.map((k) => (k === ka ? own.point : replayKeepAlive(f, k)?.point)).filter((p): p is KeepAlivePoint => p !== undefined);
  const fewest = Math.min(...curve.map((p) => p.instanceColdStarts));
  const knee = curve.find((p) => p.instanceColdStarts === fewest) ?? own.point;
  const gb = gbOf(f.variant.memoryMb);
  // Measured idle: instance time alive in the window (records) less the time the replay had them starting or serving.
  const measuredIdle = own.replays.reduce((n, { run, replay }) => {
    const window = replay.measured.windowMs;
    const aliveS = (meanInstancesOf(run, window) * (window[1] - window[0])) / 1000;
    return n + Math.max(0, aliveS - replay.predicted.meanRunningInstances * replay.predicted.horizonS);
  }, 0);
  return {
    variantKey: f.key,
    memoryMb: f.variant.memoryMb,
    provisioned: f.variant.provisionedConcurrency,
    requests: own.replays.reduce((n, { replay }) => n + replay.measured.requests, 0),
    measuredKeepAliveMs: ka,
    measured: { instanceColdStarts: own.replays.reduce((n, { replay }) => n + replay.measured.instanceStarts, 0), idleGbSeconds: measuredIdle * gb },
    replayed: own.point,
    replayedRange: rangeOf(own.replays.map(({ replay }) => replay)),
    curve,
    recommendation: { ...knee, basis: 'predicted' },
    notes: [...new Set(own.replays.flatMap(({ replay }) => replay.notes))],
  };
}

function rangeOf(replays: readonly EnsembleReplay[]): KeepAliveAdvice['replayedRange'] {
  const sum = (get: (r: EnsembleReplay) => number): number => replays.reduce((n, r) => n + get(r), 0);
  return { low: sum((r) => r.spread.instanceStarts.low), high: sum((r) => r.spread.instanceStarts.high), replays: replays[0]?.spread.replays ?? 0 };
}
