import type { LatencySet, PhaseResult, VariantResult } from '../results/model.js';
import { perMillion, provisionedIdleCost, requestCost, type Prices } from '../advise/cost.js';

// Mean time from the actual send to the answer (uncorrected: a request's own duration, not the sender's lag), in ms.
const meanMs = (set: LatencySet | undefined): number => (set ? set.uncorrected.meanUs / 1000 : 0);
const countOf = (set: LatencySet | undefined): number => set?.corrected.count ?? 0;

/**
 * Cost per million requests of a variant over some phases, priced with the cost model (advise/cost.ts):
 * each request billed at its start kind's mean measured duration (a cold one with its init when init is
 * billed), warm requests of a provisioned variant at the provisioned-executed rate, plus the provisioned
 * instances' idle allocation over the phases' time. An estimate from list prices, never a bill.
 */
export function costPerMillion(variant: VariantResult, phases: readonly PhaseResult[], prices: Prices): number | undefined {
  const { memoryMb, provisionedConcurrency } = variant.variant;
  let total = 0;
  let requests = 0;
  for (const p of phases) {
    const cold = countOf(p.latency.cold);
    const warm = countOf(p.latency.warm);
    const initMs = prices.billInit && p.coldInit ? p.coldInit.meanUs / 1000 : 0;
    if (cold > 0) total += cold * requestCost(meanMs(p.latency.cold) + initMs, memoryMb, prices);
    if (warm > 0) total += warm * requestCost(meanMs(p.latency.warm), memoryMb, prices, { provisioned: provisionedConcurrency > 0 });
    requests += cold + warm;
    if (provisionedConcurrency > 0) total += provisionedIdleCost(memoryMb, p.durationMs / 1000, prices, provisionedConcurrency);
  }
  return requests === 0 ? undefined : perMillion(total / requests);
}
