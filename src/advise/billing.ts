import type { HistogramData } from '../results/model.js';
import { recordedValues } from '../results/histogram.js';
import { billedMs, gbOf, type Prices } from './cost.js';
import { isColdStart, mergedLatency, type VariantFigures } from './figures.js';

/** What one variant's requests cost per million at these prices, and the figures the estimate rests on. */
export interface CostEstimate {
  perMillion: number;
  /** Mean billed execution per request, ms (after rounding to the billing granularity). */
  billedMs: number;
  /** Mean billed init per instance cold start, ms (0 when init is not billed). */
  billedInitMs: number;
  /** Instance cold starts per request in this run (init is billed once per instance, not per waiting request). */
  coldStartsPerRequest: number;
  /** Share of requests served by provisioned instances (billed at the provisioned-executed rate). */
  provisionedShare: number;
}

/**
 * Estimates what a variant's requests would cost: every request is billed the execution time of a warm
 * request (the caller-seen time from the actual send, which includes coldlab's ~0.4 ms gateway), rounded
 * up per request bucket by bucket of the HDR histogram; each instance cold start adds its boot + init time
 * when init is billed. Without warm requests, cold ones minus their instance start stand in.
 */
export function estimateCost(f: VariantFigures, prices: Prices): CostEstimate {
  const gb = gbOf(f.variant.memoryMb);
  const execution = executionHistogram(f);
  const meanBilledMs = execution ? meanBilled(execution.data, execution.shiftUs, prices) : prices.billingGranularityMs;
  const served = f.instances.reduce((n, i) => n + i.requests, 0);
  const onProvisioned = f.instances.filter((i) => i.provisioned).reduce((n, i) => n + i.requests, 0);
  const provisionedShare = served > 0 ? onProvisioned / served : 0;
  const starts = f.instances.filter(isColdStart);
  const initMs = starts.map((i) => (i.start ? (i.start.bootMs ?? 0) + (i.start.initMs ?? 0) || i.start.totalMs : 0));
  const billedInitMs = prices.billInit && initMs.length > 0 ? initMs.reduce((a, ms) => a + billedMs(ms, prices), 0) / initMs.length : 0;
  const requests = Math.max(1, f.requests);
  const coldStartsPerRequest = f.instanceColdStarts / requests;
  const rate = (1 - provisionedShare) * prices.gbSecond + provisionedShare * prices.provisionedExecutedGbSecond;
  const perRequest =
    prices.perMillionRequests / 1e6 + gb * (meanBilledMs / 1000) * rate + coldStartsPerRequest * gb * (billedInitMs / 1000) * prices.gbSecond;
  return { perMillion: perRequest * 1e6, billedMs: meanBilledMs, billedInitMs, coldStartsPerRequest, provisionedShare };
}

function executionHistogram(f: VariantFigures): { data: HistogramData; shiftUs: number } | undefined {
  const warm = mergedLatency(f.runs, 'warm', 'uncorrected');
  if (warm) return { data: warm, shiftUs: 0 };
  const cold = mergedLatency(f.runs, 'cold', 'uncorrected');
  return cold ? { data: cold, shiftUs: (f.coldStartMs ?? 0) * 1000 } : undefined;
}

// Rounding is per request, so it is applied bucket by bucket before averaging, never to the mean.
function meanBilled(data: HistogramData, shiftUs: number, prices: Prices): number {
  let total = 0;
  let count = 0;
  for (const { us, count: n } of recordedValues(data)) {
    total += n * billedMs(Math.max(0, us - shiftUs) / 1000, prices);
    count += n;
  }
  return count > 0 ? total / count : prices.billingGranularityMs;
}
