import { decodeColumns, loggedRequests, sampleWeight, type ArrivalColumns } from '../results/arrivals.js';
import type { ArrivalLog } from '../results/model.js';
import { gbOf } from '../billing/rates.js';
import { arrivalLogs, isColdStart, median, type VariantFigures } from './figures.js';
import { replay } from './replay.js';

/** One keep-alive value replayed: cold starts against memory held by idle instances. */
export interface KeepAlivePoint {
  keepAliveMs: number;
  instanceColdStarts: number;
  coldDelayedRequests: number;
  /** Instance cold starts per request. */
  coldStartRate: number;
  /** Memory-time of instances alive with no request in flight, GB-s. */
  idleGbSeconds: number;
}

export interface KeepAliveAdvice {
  variantKey: string;
  memoryMb: number;
  provisioned: number;
  /** Requests the variant sent (all its runs), whether or not the logs kept every one. */
  requests: number;
  /** Set when a run's log kept only 1 request in w (a long run): the replay ran on that sample, its figures are approximate. */
  sampledOneIn?: number;
  measuredKeepAliveMs: number;
  /** What the run measured: its instance cold starts (from the instance records) and idle memory-time. */
  measured: { instanceColdStarts: number; idleGbSeconds: number };
  curve: KeepAlivePoint[];
  /** Cold-start duration the replay used (the run's median), ms. */
  coldStartMs: number;
  /** Of the curve, the shortest keep-alive with the fewest cold starts: where a longer one stops paying. */
  knee: KeepAlivePoint;
}

// Fractions and multiples of the measured keep-alive, plus the values platforms use (1 min, 10 min).
const FACTORS = [0, 0.125, 0.25, 0.5, 1, 2, 4, 8];
const FIXED_MS = [60_000, 600_000];

/** The keep-alive what-if for every valid variant whose results carry their arrivals. */
export function adviseKeepAlive(figures: VariantFigures[]): KeepAliveAdvice[] {
  return figures.flatMap((f) => {
    const advice = adviseVariant(f);
    return advice ? [advice] : [];
  });
}

/** Replays one variant's arrivals (each repetition on its own clock) under keep-alive `keepAliveMs`. */
export function replayVariant(f: VariantFigures, keepAliveMs: number): (KeepAlivePoint & { busyUs: number }) | undefined {
  const runs = f.runs.filter((r) => r.arrivals);
  if (runs.length === 0) return undefined;
  const medianUs = coldStartMsOf(f) * 1000;
  let cold = 0;
  let delayed = 0;
  let idleUs = 0;
  let busyUs = 0;
  let requests = 0;
  for (const run of runs) {
    const log = run.arrivals!;
    const v = run.variant;
    // This run's own start times, in the order they happened (a start on a busy host is slower): the median once they run out.
    const measured = run.instances.filter(isColdStart).flatMap((i) => (i.readyAtMs === undefined ? [] : [(i.readyAtMs - i.startedAtMs) * 1000]));
    const coldStartUs = measured.length > 0 ? [...measured, medianUs] : medianUs;
    const outcome = replay(columnsOf(log), { keepAliveMs, maxInstances: v.maxInstances, instanceConcurrency: v.instanceConcurrency, provisioned: v.provisionedConcurrency, coldStartUs, endUs: run.durationMs * 1000, weight: sampleWeight(log) });
    cold += outcome.instanceColdStarts;
    delayed += outcome.coldDelayedRequests;
    idleUs += outcome.idleUs;
    busyUs += outcome.aliveUs - outcome.idleUs;
    requests += loggedRequests(log);
  }
  const gb = gbOf(f.variant.memoryMb);
  return { keepAliveMs, instanceColdStarts: cold, coldDelayedRequests: delayed, coldStartRate: requests > 0 ? cold / requests : 0, idleGbSeconds: (idleUs / 1e6) * gb, busyUs };
}

function adviseVariant(f: VariantFigures): KeepAliveAdvice | undefined {
  if (arrivalLogs(f).length === 0) return undefined;
  const ka = f.variant.keepAliveMs;
  const values = [...new Set([...FACTORS.map((x) => Math.round(ka * x)), ...FIXED_MS])].sort((a, b) => a - b);
  const curve = values.flatMap((k) => {
    const point = replayVariant(f, k);
    return point ? [{ keepAliveMs: point.keepAliveMs, instanceColdStarts: point.instanceColdStarts, coldDelayedRequests: point.coldDelayedRequests, coldStartRate: point.coldStartRate, idleGbSeconds: point.idleGbSeconds }] : [];
  });
  const atMeasured = replayVariant(f, ka);
  if (!atMeasured || curve.length === 0) return undefined;
  const fewest = Math.min(...curve.map((p) => p.instanceColdStarts));
  return {
    variantKey: f.key,
    memoryMb: f.variant.memoryMb,
    provisioned: f.variant.provisionedConcurrency,
    requests: arrivalLogs(f).reduce((n, log) => n + loggedRequests(log), 0),
    ...sampledOf(arrivalLogs(f)),
    measuredKeepAliveMs: ka,
    measured: { instanceColdStarts: f.instanceColdStarts, idleGbSeconds: measuredIdleGbSeconds(f, atMeasured.busyUs) },
    curve,
    coldStartMs: coldStartMsOf(f),
    knee: curve.find((p) => p.instanceColdStarts === fewest) ?? curve[0]!,
  };
}

// Each log is decoded once, however many keep-alive values replay it.
const decoded = new WeakMap<ArrivalLog, ArrivalColumns>();
function columnsOf(log: ArrivalLog): ArrivalColumns {
  const known = decoded.get(log);
  if (known) return known;
  const columns = decodeColumns(log);
  decoded.set(log, columns);
  return columns;
}

// The coarsest sample among the runs' logs, if any was thinned: what the advice must own up to.
function sampledOf(logs: ArrivalLog[]): { sampledOneIn?: number } {
  const oneIn = Math.max(1, ...logs.map(sampleWeight));
  return oneIn > 1 ? { sampledOneIn: oneIn } : {};
}

// The run's own cold-start duration; with none measured, a provisioned start stands in (same sandbox, same init).
function coldStartMsOf(f: VariantFigures): number {
  if (f.coldStartMs !== undefined) return f.coldStartMs;
  return median(f.instances.filter((i) => !isColdStart(i) && i.readyAtMs !== undefined).map((i) => (i.readyAtMs ?? 0) - i.startedAtMs)) ?? 0;
}

/** Instance time alive (from the instance records) minus time serving (the arrivals' service times), as GB-s. */
function measuredIdleGbSeconds(f: VariantFigures, busyUs: number): number {
  const aliveMs = f.runs.reduce((sum, r) => sum + r.instances.reduce((s, i) => s + Math.max(0, (i.stoppedAtMs ?? r.durationMs) - Math.max(0, i.startedAtMs)), 0), 0);
  return Math.max(0, aliveMs / 1000 - busyUs / 1e6) * gbOf(f.variant.memoryMb);
}
