import type { HistogramData, InstanceRecord, PhaseResult, VariantResult } from '../results/model.js';
import { mergedOf, recordedValues } from '../results/histogram.js';
import type { Prices } from '../scenario/prices.js';
import { billedMs, gbOf, provisionedIdleCost } from './rates.js';

/**
 * What a variant's requests cost, per million, and what the figure rests on. The one cost of a measured
 * variant: advise, compare, gate (`cost.perMillion`), the report and `--json` outputs all read it from here.
 */
export interface VariantCost {
  /** Everything the run's requests cost, per million requests, in the prices' currency. */
  costPerMillionRequestsUsd: number;
  /** The figure's parts, per million requests: request charges, billed execution, billed init of instance cold starts, provisioned instances held. */
  parts: { requests: number; execution: number; init: number; provisionedIdle: number };
  /** Mean billed execution per request, ms (rounded up per request to the billing granularity). */
  billedMs: number;
  /** Mean billed init per instance cold start, ms (0 when init is not billed). */
  billedInitMs: number;
  /** Instance cold starts per request (init is billed once per instance, not per waiting request). */
  coldStartsPerRequest: number;
  /** Share of requests served by provisioned instances (billed at the provisioned-executed rate). */
  provisionedShare: number;
  requests: number;
}

/** A start called for a request: not provisioned, and not one that failed before it could serve (a provisioned instance's init is not billed). */
export const isColdStart = (i: InstanceRecord): boolean => !i.provisioned && i.coldReason !== 'provisioned';

/**
 * Bills the runs (repetitions) of one variant, over the phases `inPhase` keeps (all by default):
 * - every answered request pays the request charge and the billed execution of a warm request — the time
 *   from the actual send to the answer, rounded up per request, bucket by bucket of the HDR histogram (cold
 *   requests without warm ones: their time less the instance's start);
 * - every instance started for requests pays its boot + init as duration when the prices bill init;
 * - requests served by provisioned instances run at the provisioned-executed rate, and the provisioned
 *   instances pay their allocation for the phases' time.
 * Undefined when no request was answered. An estimate from list prices, never a bill.
 */
export function billRuns(runs: readonly VariantResult[], prices: Prices, inPhase?: (p: PhaseResult) => boolean): VariantCost | undefined {
  const head = runs[0];
  if (!head) return undefined;
  const { memoryMb, provisionedConcurrency } = head.variant;
  const phases = runs.flatMap((r) => r.phases.filter((p) => inPhase?.(p) ?? true).map((p) => ({ run: r, p })));
  const requests = phases.reduce((n, { p }) => n + p.ok, 0);
  if (requests === 0) return undefined;
  // Over some phases, an instance belongs to the phase it started in; over all of them, every start counts.
  const within = (run: VariantResult, at: number): boolean => !inPhase || phases.some(({ run: r, p }) => r === run && at >= p.startMs && at < p.startMs + p.durationMs);
  const instances = runs.flatMap((r) => r.instances.map((i) => ({ run: r, i })));
  const started = instances.filter(({ run, i }) => isColdStart(i) && within(run, i.startedAtMs)).map(({ i }) => i);
  const served = instances.reduce((n, { i }) => n + i.requests, 0);
  const onProvisioned = instances.filter(({ i }) => i.provisioned).reduce((n, { i }) => n + i.requests, 0);
  const provisionedShare = served > 0 ? onProvisioned / served : 0;

  const execution = executionOf(phases.map(({ p }) => p), started);
  const meanBilled = execution ? meanBilledMs(execution.data, execution.shiftUs, prices) : prices.billingGranularityMs;
  const initMs = started.map((i) => (i.start ? (i.start.bootMs ?? 0) + (i.start.initMs ?? 0) || i.start.totalMs : 0));
  const billedInitMs = prices.billInit && initMs.length > 0 ? initMs.reduce((a, ms) => a + billedMs(ms, prices), 0) / initMs.length : 0;
  const gb = gbOf(memoryMb);
  const rate = (1 - provisionedShare) * prices.gbSecond + provisionedShare * prices.provisionedExecutedGbSecond;
  const heldSeconds = phases.reduce((s, { p }) => s + p.durationMs / 1000, 0);
  const perMillion = (total: number): number => (total / requests) * 1e6;
  const parts = {
    requests: prices.perMillionRequests,
    execution: perMillion(requests * gb * (meanBilled / 1000) * rate),
    init: perMillion(started.length * gb * (billedInitMs / 1000) * prices.gbSecond),
    provisionedIdle: perMillion(provisionedIdleCost(memoryMb, heldSeconds, prices, provisionedConcurrency)),
  };
  return {
    costPerMillionRequestsUsd: parts.requests + parts.execution + parts.init + parts.provisionedIdle,
    parts,
    billedMs: meanBilled,
    billedInitMs,
    coldStartsPerRequest: started.length / requests,
    provisionedShare,
    requests,
  };
}

/** One variant's cost over all its phases: what every command shows for it. */
export const billVariant = (variant: VariantResult, prices: Prices): VariantCost | undefined => billRuns([variant], prices);

// A warm request's time is what a request executes; cold ones stand in less their instance's start.
function executionOf(phases: readonly PhaseResult[], started: readonly InstanceRecord[]): { data: HistogramData; shiftUs: number } | undefined {
  const warm = mergedOf(phases.map((p) => p.latency.warm?.uncorrected));
  if (warm) return { data: warm, shiftUs: 0 };
  const cold = mergedOf(phases.map((p) => p.latency.cold?.uncorrected));
  const starts = started.flatMap((i) => (i.readyAtMs !== undefined ? [i.readyAtMs - i.startedAtMs] : [])).sort((a, b) => a - b);
  const medianStartMs = starts[Math.floor(starts.length / 2)] ?? 0;
  return cold ? { data: cold, shiftUs: medianStartMs * 1000 } : undefined;
}

// Rounding is per request, so it is applied bucket by bucket before averaging, never to the mean.
function meanBilledMs(data: HistogramData, shiftUs: number, prices: Prices): number {
  let total = 0;
  let count = 0;
  for (const { us, count: n } of recordedValues(data)) {
    total += n * billedMs(Math.max(0, us - shiftUs) / 1000, prices);
    count += n;
  }
  return count > 0 ? total / count : prices.billingGranularityMs;
}

/** The cost of runs that answered nothing: the request charge alone, so tables still have a figure. */
export function costOrEmpty(cost: VariantCost | undefined, prices: Prices): VariantCost {
  return cost ?? { costPerMillionRequestsUsd: prices.perMillionRequests, parts: { requests: prices.perMillionRequests, execution: 0, init: 0, provisionedIdle: 0 }, billedMs: 0, billedInitMs: 0, coldStartsPerRequest: 0, provisionedShare: 0, requests: 0 };
}

/** Every completed variant key's cost (repetitions billed together): the `costPerMillionRequestsUsd` of every `--json`. */
export function costsByKey(variants: readonly VariantResult[], prices: Prices): Record<string, VariantCost> {
  const byKey = new Map<string, VariantResult[]>();
  for (const v of variants) if (v.status === 'completed') byKey.set(v.variant.key, [...(byKey.get(v.variant.key) ?? []), v]);
  const out: Record<string, VariantCost> = {};
  for (const [key, runs] of byKey) {
    const cost = billRuns(runs, prices);
    if (cost) out[key] = cost;
  }
  return out;
}
