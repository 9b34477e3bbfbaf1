import { type Prices } from '../scenario/prices.js';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH, breakEvenUtilization, provisionedIdleCost } from '../billing/rates.js';
import type { AdviceSettings } from '../scenario/advice.js';
import { billRuns, costOrEmpty } from '../billing/variantCost.js';
import { groupsAlong } from './dimensions.js';
import { isColdStart, type VariantFigures } from './figures.js';

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

export interface WarmPoolAdvice {
  context: string;
  /** The phase the pool must keep free of cold starts; undefined = every phase. */
  phase?: string;
  /** What "enough" means here: no cold start in the phase, or the P99 target met. */
  criterion: 'no-cold-starts' | 'p99-target';
  p99TargetMs?: number;
  rows: WarmPoolRow[];
  /** Smallest provisionedConcurrency measured that meets the criterion; undefined when none does. */
  pick?: WarmPoolRow;
  /** Utilization above which provisioned capacity is cheaper than on-demand for the same work. */
  breakEvenUtilization: number;
  notes: string[];
}

export function adviseWarmPool(figures: VariantFigures[], prices: Prices, settings: AdviceSettings): WarmPoolAdvice[] {
  const phaseNames = new Set(figures.flatMap((f) => f.phases.flat().map((p) => p.name)));
  const wanted = settings.warmPoolPhase;
  const phase = wanted !== undefined && phaseNames.has(wanted) ? wanted : undefined;
  const notes = wanted !== undefined && phase === undefined ? [`advice.warmPoolPhase "${wanted}" is not a phase of this run; every phase counts`] : [];
  const target = settings.p99TargetMs;
  return groupsAlong(figures, 'provisionedConcurrency').map((group) => {
    const rows = group.members.map((f) => row(f, prices, phase, target)).sort((a, b) => a.provisioned - b.provisioned);
    const advice: WarmPoolAdvice = {
      context: group.context,
      criterion: target === undefined ? 'no-cold-starts' : 'p99-target',
      rows,
      breakEvenUtilization: breakEvenUtilization(prices),
      notes,
    };
    if (phase !== undefined) advice.phase = phase;
    if (target !== undefined) advice.p99TargetMs = target;
    const pick = rows.find((r) => r.meets);
    if (pick) advice.pick = pick;
    return advice;
  });
}

function row(f: VariantFigures, prices: Prices, phase: string | undefined, target: number | undefined): WarmPoolRow {
  const n = f.variant.provisionedConcurrency;
  // Instance starts are placed in a phase by when they began, per run (each repetition has its own clock).
  const windows = f.phases.flatMap((list, run) => list.filter((p) => phase === undefined || p.name === phase).map((p) => ({ run, from: p.startMs, to: p.startMs + p.durationMs })));
  const starts = f.runs.flatMap((r, run) => r.instances.filter(isColdStart).filter((i) => windows.some((w) => w.run === run && i.startedAtMs >= w.from && i.startedAtMs < w.to)));
  const inPhase = f.phases.flat().filter((p) => phase === undefined || p.name === phase);
  const delayed = inPhase.reduce((sum, p) => sum + p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'], 0);
  const p99Ms = phase === undefined ? f.all?.p99Ms : maxP99(inPhase.map((p) => p.latency.all?.corrected.p99Us));
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
