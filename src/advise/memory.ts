import type { Prices } from '../scenario/prices.js';
import type { AdviceSettings } from '../scenario/advice.js';
import { billRuns, costOrEmpty, type VariantCost } from '../billing/variantCost.js';
import { groupsAlong, type Group } from './dimensions.js';
import type { Percentiles, VariantFigures } from './figures.js';
import { overlaps, p99Interval, repetitionsToSeparate, type P99Interval } from './noise.js';

/** One memory size as measured: what it costs and how fast it was, cold and warm apart. */
export interface MemoryRow {
  memoryMb: number;
  variantKey: string;
  cost: VariantCost;
  warm?: Percentiles;
  cold?: Percentiles;
  /** The P99 the picks compare, ms: warm requests, or all requests with cold ones (advice.p99Of). */
  p99Ms: number;
  instanceColdStarts: number;
  meetsTarget?: boolean;
  /** Where this P99 could lie given the run's noise. */
  p99Band?: P99Interval;
}

export interface MemoryPick {
  memoryMb: number;
  perMillion: number;
  p99Ms: number;
  meetsTarget?: boolean;
  /** Fastest pick: sizes whose P99 is within the run's noise of the fastest; the pick is the cheapest of them. */
  indistinguishable?: number[];
  /** Repetitions that would tell the fastest apart from the nearest of those. */
  repetitionsNeeded?: number;
}

export interface MemoryAdvice {
  /** What the compared variants share, e.g. "provisioned 0" (empty when the run varies memory only). */
  context: string;
  rows: MemoryRow[];
  picks: { cheapest: MemoryPick; fastest: MemoryPick; balanced: MemoryPick };
  balancedWeight: number;
  p99Of: 'warm' | 'all';
  p99TargetMs?: number;
}

/** Memory-size advice for every group of valid variants that differ only in memoryMb. */
export function adviseMemory(figures: VariantFigures[], prices: Prices, settings: AdviceSettings): MemoryAdvice[] {
  return groupsAlong(figures, 'memoryMb').flatMap((g) => {
    const advice = adviseGroup(g, prices, settings);
    return advice ? [advice] : [];
  });
}

function adviseGroup(group: Group, prices: Prices, settings: AdviceSettings): MemoryAdvice | undefined {
  const target = settings.p99TargetMs;
  const rows: MemoryRow[] = group.members
    .filter((f) => f[settings.p99Of] !== undefined)
    .map((f) => {
      const p99Ms = f[settings.p99Of]?.p99Ms ?? 0;
      const row: MemoryRow = { memoryMb: f.variant.memoryMb, variantKey: f.key, cost: costOrEmpty(billRuns(f.runs, prices), prices), p99Ms, instanceColdStarts: f.instanceColdStarts };
      if (f.warm) row.warm = f.warm;
      if (f.cold) row.cold = f.cold;
      if (target !== undefined) row.meetsTarget = row.p99Ms <= target;
      const band = p99Interval(f, settings.p99Of);
      if (band) row.p99Band = band;
      return row;
    })
    .sort((a, b) => a.memoryMb - b.memoryMb);
  if (rows.length < 2) return undefined;
  const advice: MemoryAdvice = { context: group.context, rows, picks: pickMemory(rows, settings.balancedWeight), balancedWeight: settings.balancedWeight, p99Of: settings.p99Of };
  if (target !== undefined) advice.p99TargetMs = target;
  return advice;
}

/**
 * AWS Lambda Power Tuning's three picks, from percentiles: cheapest, fastest by P99, and balanced, which
 * minimises weight·cost/maxCost + (1 − weight)·P99/maxP99. Ties go to the smaller memory size.
 */
export function pickMemory(rows: MemoryRow[], weight: number): MemoryAdvice['picks'] {
  const maxCost = Math.max(...rows.map((r) => r.cost.costPerMillionRequestsUsd)) || 1;
  const maxP99 = Math.max(...rows.map((r) => r.p99Ms)) || 1;
  const best = (score: (r: MemoryRow) => number): MemoryPick => {
    const winner = rows.reduce((a, b) => (score(b) < score(a) - 1e-12 ? b : a));
    const pick: MemoryPick = { memoryMb: winner.memoryMb, perMillion: winner.cost.costPerMillionRequestsUsd, p99Ms: winner.p99Ms };
    if (winner.meetsTarget !== undefined) pick.meetsTarget = winner.meetsTarget;
    return pick;
  };
  return {
    cheapest: best((r) => r.cost.costPerMillionRequestsUsd),
    fastest: fastestWithinNoise(rows, best((r) => r.p99Ms)),
    balanced: best((r) => (weight * r.cost.costPerMillionRequestsUsd) / maxCost + ((1 - weight) * r.p99Ms) / maxP99),
  };
}

/**
 * The fastest by P99 only where the difference is larger than the run's noise: sizes whose P99 band overlaps
 * the fastest one's are indistinguishable from it, and the cheapest of them is the pick, with the repetitions
 * that would tell them apart.
 */
function fastestWithinNoise(rows: MemoryRow[], fastest: MemoryPick): MemoryPick {
  const winner = rows.find((r) => r.memoryMb === fastest.memoryMb);
  const band = winner?.p99Band;
  if (!winner || !band) return fastest;
  const tied = rows.filter((r) => r !== winner && r.p99Band !== undefined && overlaps(band, r.p99Band));
  if (tied.length === 0) return fastest;
  const cheapest = [winner, ...tied].reduce((a, b) => (b.cost.costPerMillionRequestsUsd < a.cost.costPerMillionRequestsUsd - 1e-12 ? b : a));
  const nearest = tied.reduce((a, b) => (Math.abs(b.p99Ms - winner.p99Ms) < Math.abs(a.p99Ms - winner.p99Ms) ? b : a));
  const pick: MemoryPick = { memoryMb: cheapest.memoryMb, perMillion: cheapest.cost.costPerMillionRequestsUsd, p99Ms: cheapest.p99Ms, indistinguishable: [winner, ...tied].map((r) => r.memoryMb).sort((a, b) => a - b) };
  if (cheapest.meetsTarget !== undefined) pick.meetsTarget = cheapest.meetsTarget;
  const needed = nearest.p99Band ? repetitionsToSeparate({ p99Ms: winner.p99Ms, band }, { p99Ms: nearest.p99Ms, band: nearest.p99Band }) : undefined;
  if (needed !== undefined) pick.repetitionsNeeded = needed;
  return pick;
}
