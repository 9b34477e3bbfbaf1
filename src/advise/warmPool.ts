import { type Prices } from '../scenario/prices.js';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH, breakEvenUtilization, provisionedIdleCost } from '../billing/rates.js';
import type { AdviceSettings } from '../scenario/advice.js';
import { billRuns, costOrEmpty } from '../billing/variantCost.js';
import { groupsAlong } from './dimensions.js';
import type { VariantFigures } from './figures.js';
import { isColdStart } from '../billing/variantCost.js';
import { replayRun } from '../plan/replayRun.js';
import { judgedWindow } from '../plan/replay.js';

export interface WarmPoolRow {
  provisioned: number;
  variantKey: string;
  /** Instances started for requests within the phase(s) the pool must cover. */
  instanceColdStarts: number;
  coldDelayedRequests: number;
  p99Ms?: number;
  /** Keeping the pool allocated: provisioned GB-seconds, paid idle or busy. */
  idleCostPerHour: number;
  idleCostPerMonth: number;
  /** Busy share of the provisioned instances' time in this run (execution time / time alive), 0..1. */
  utilization?: number;
  meets: boolean;
}

/** One provisionedConcurrency from 0 to maxInstances: measured where the run had it, predicted by replaying the run otherwise. */
export interface WarmPoolPrediction {
  provisioned: number;
  basis: 'measured' | 'predicted';
  /** Instance cold starts in the phase(s) the pool must cover: measured, or the simulator's. */
  instanceColdStarts: number;
  p99Ms?: number;
  idleCostPerMonthUsd: number;
  meets: boolean;
  /** On a measured row: what the replay predicted for it, set beside the measurement. */
  replayed?: { instanceColdStarts: number; p99Ms: number };
}

export interface WarmPoolAdvice {
  context: string;
  /** The phase the pool must keep free of cold starts; undefined = every phase the simulator judges. */
  phase?: string;
  /** What "enough" means here: no cold start in the phase, or the P99 target met. */
  criterion: 'no-cold-starts' | 'p99-target';
  p99TargetMs?: number;
  /** The measured variants of the group. */
  rows: WarmPoolRow[];
  /** Every provisionedConcurrency from 0 to maxInstances. */
  predicted: WarmPoolPrediction[];
  /** The smallest provisionedConcurrency that meets the criterion; undefined when none up to maxInstances does. */
  recommendation?: { provisioned: number; basis: 'measured' | 'predicted' };
  /** Utilization above which provisioned capacity is cheaper than on-demand for the same work. */
  breakEvenUtilization: number;
  notes: string[];
}

const SEED = 1;

export function adviseWarmPool(figures: VariantFigures[], prices: Prices, settings: AdviceSettings): WarmPoolAdvice[] {
  const phaseNames = new Set(figures.flatMap((f) => f.phases.flat().map((p) => p.name)));
  const wanted = settings.warmPoolPhase;
  const phase = wanted !== undefined && phaseNames.has(wanted) ? wanted : undefined;
  const notes = wanted !== undefined && phase === undefined ? [`advice.warmPoolPhase "${wanted}" is not a phase of this run; every phase counts`] : [];
  const target = settings.p99TargetMs;
  return groupsAlong(figures, 'provisionedConcurrency').map((group) => {
    const judged = new Set(group.members.flatMap((f) => f.runs.flatMap((r) => judgedWindow(r).phases.map((p) => p.name))));
    const rows = group.members.map((f) => row(f, prices, phase, judged, target)).sort((a, b) => a.provisioned - b.provisioned);
    const base = [...group.members].sort((a, b) => a.variant.provisionedConcurrency - b.variant.provisionedConcurrency)[0]!;
    const { predicted, notes: replayNotes } = predictions(base, rows, prices, phase, target);
    const advice: WarmPoolAdvice = {
      context: group.context,
      criterion: target === undefined ? 'no-cold-starts' : 'p99-target',
      rows,
      predicted,
      breakEvenUtilization: breakEvenUtilization(prices),
      notes: [...notes, ...replayNotes],
    };
    if (phase !== undefined) advice.phase = phase;
    if (target !== undefined) advice.p99TargetMs = target;
    const pick = predicted.find((p) => p.meets);
    if (pick) advice.recommendation = { provisioned: pick.provisioned, basis: pick.basis };
    return advice;
  });
}

/**
 * Every provisionedConcurrency from 0 to maxInstances: a measured row where the run had that value (with the
 * replay beside it), else the base variant's runs (the smallest pool measured) replayed with that many
 * provisioned instances through the planner's simulator.
 */
function predictions(base: VariantFigures, rows: WarmPoolRow[], prices: Prices, phase: string | undefined, target: number | undefined): { predicted: WarmPoolPrediction[]; notes: string[] } {
  const out: WarmPoolPrediction[] = [];
  const notes = new Set<string>();
  for (let p = 0; p <= base.variant.maxInstances; p++) {
    const replays = base.runs.flatMap((run) => {
      const r = replayRun(run, SEED, { provisioned: p });
      if ('skipped' in r) notes.add(`no prediction from ${r.variant}: ${r.skipped}`);
      return 'skipped' in r ? [] : [r];
    });
    for (const r of replays) for (const n of r.notes) notes.add(n);
    const replayed =
      replays.length === 0
        ? undefined
        : {
            instanceColdStarts: replays.reduce((n, r) => n + (phase === undefined ? r.predicted.instanceStarts : (r.byPhase[phase]?.instanceColdStarts ?? 0)), 0),
            // As measured rows do: a phase's own P99, or the worst phase's (percentiles are never averaged).
            p99Ms: Math.max(...replays.map((r) => (phase === undefined ? Math.max(0, ...Object.values(r.byPhase).map((b) => b.p99Ms)) : (r.byPhase[phase]?.p99Ms ?? 0)))),
          };
    const measured = rows.find((r) => r.provisioned === p);
    const idleCostPerMonthUsd = provisionedIdleCost(base.variant.memoryMb, SECONDS_PER_MONTH, prices, p);
    if (measured) {
      const entry: WarmPoolPrediction = { provisioned: p, basis: 'measured', instanceColdStarts: measured.instanceColdStarts, idleCostPerMonthUsd, meets: measured.meets };
      if (measured.p99Ms !== undefined) entry.p99Ms = measured.p99Ms;
      if (replayed) entry.replayed = replayed;
      out.push(entry);
    } else if (replayed) {
      const meets = target === undefined ? replayed.instanceColdStarts === 0 : replayed.p99Ms <= target;
      out.push({ provisioned: p, basis: 'predicted', instanceColdStarts: replayed.instanceColdStarts, p99Ms: replayed.p99Ms, idleCostPerMonthUsd, meets });
    }
  }
  return { predicted: out, notes: [...notes] };
}

function row(f: VariantFigures, prices: Prices, phase: string | undefined, judged: ReadonlySet<string>, target: number | undefined): WarmPoolRow {
  const n = f.variant.provisionedConcurrency;
  // Instance starts are placed in a phase by when they began, per run (each repetition has its own clock).
  const counts = (p: { name: string }): boolean => (phase === undefined ? judged.has(p.name) : p.name === phase);
  const windows = f.phases.flatMap((list, run) => list.filter(counts).map((p) => ({ run, from: p.startMs, to: p.startMs + p.durationMs })));
  const starts = f.runs.flatMap((r, run) => r.instances.filter(isColdStart).filter((i) => windows.some((w) => w.run === run && i.startedAtMs >= w.from && i.startedAtMs < w.to)));
  const inPhase = f.phases.flat().filter(counts);
  const delayed = inPhase.reduce((sum, p) => sum + p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'], 0);
  const p99Ms = maxP99(inPhase.map((p) => p.latency.all?.corrected.p99Us));
  const out: WarmPoolRow = {
    provisioned: n,
    variantKey: f.key,
    instanceColdStarts: starts.length,
    coldDelayedRequests: delayed,
    idleCostPerHour: provisionedIdleCost(f.variant.memoryMb, SECONDS_PER_HOUR, prices, n),
    idleCostPerMonth: provisionedIdleCost(f.variant.memoryMb, SECONDS_PER_MONTH, prices, n),
    meets: target === undefined ? starts.length === 0 : p99Ms !== undefined && p99Ms <= target,
  };
  if (p99Ms !== undefined) out.p99Ms = p99Ms;
  const utilization = provisionedUtilization(f, prices);
  if (utilization !== undefined) out.utilization = utilization;
  return out;
}

// Phases keep only their own P99; across several phases the worst one stands (percentiles are never averaged).
function maxP99(values: Array<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length > 0 ? Math.max(...present) / 1000 : undefined;
}

/** Execution time on the provisioned instances over their time alive, from the instance records. */
function provisionedUtilization(f: VariantFigures, prices: Prices): number | undefined {
  const provisioned = f.runs.flatMap((r) => r.instances.filter((i) => i.provisioned).map((i) => ({ i, end: i.stoppedAtMs ?? r.durationMs })));
  const aliveMs = provisioned.reduce((sum, { i, end }) => sum + Math.max(0, end - (i.readyAtMs ?? i.startedAtMs)), 0);
  if (aliveMs <= 0) return undefined;
  const busyMs = provisioned.reduce((sum, { i }) => sum + i.requests, 0) * costOrEmpty(billRuns(f.runs, prices), prices).billedMs;
  return Math.min(1, busyMs / (aliveMs * f.variant.instanceConcurrency));
}
