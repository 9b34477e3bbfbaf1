import type { Prices } from '../scenario/prices.js';

/**
 * The billing arithmetic on list prices that every cost in coldlab is built from (billing/variantCost.ts for
 * a measured variant, plan/price.ts for a simulated pool): an estimate to compare by, never a bill.
 */

/** Memory in GB as providers bill it: 1,024 MB = 1 GB. */
export function gbOf(memoryMb: number): number {
  return memoryMb / 1024;
}

/** A measured duration rounded up to the billing granularity (a request is billed at least one step). */
export function billedMs(durationMs: number, prices: Pick<Prices, 'billingGranularityMs'>): number {
  const step = prices.billingGranularityMs;
  // The epsilon keeps 3.0000000001 from billing a whole extra step through float noise.
  return Math.max(step, Math.ceil(durationMs / step - 1e-9) * step);
}

/**
 * Cost of one request that ran `durationMs` (already including init when the caller bills it) on `memoryMb`:
 * the request charge plus billed GB-seconds, at the on-demand or the provisioned-executed rate.
 */
export function requestCost(durationMs: number, memoryMb: number, prices: Prices, options: { provisioned?: boolean } = {}): number {
  const rate = options.provisioned ? prices.provisionedExecutedGbSecond : prices.gbSecond;
  return prices.perMillionRequests / 1e6 + gbOf(memoryMb) * (billedMs(durationMs, prices) / 1000) * rate;
}

export function perMillion(costPerRequest: number): number {
  return costPerRequest * 1e6;
}

/** Keeping `instances` provisioned instances of `memoryMb` allocated for `seconds` (paid whether or not they work). */
export function provisionedIdleCost(memoryMb: number, seconds: number, prices: Prices, instances = 1): number {
  return instances * gbOf(memoryMb) * seconds * prices.provisionedGbSecond;
}

/**
 * Utilization (busy share of provisioned time, 0..1) above which provisioned capacity costs less than
 * on-demand for the same work: provisioned·t + executed·u·t < onDemand·u·t ⇔ u > provisioned / (onDemand − executed).
 * Infinity when the executed rate is not below on-demand (provisioned never pays off).
 */
export function breakEvenUtilization(prices: Prices): number {
  const saving = prices.gbSecond - prices.provisionedExecutedGbSecond;
  return saving > 0 ? prices.provisionedGbSecond / saving : Number.POSITIVE_INFINITY;
}

export const SECONDS_PER_HOUR = 3_600;
/** 730 hours: the month AWS prices use (365 × 24 / 12). */
export const SECONDS_PER_MONTH = 730 * 3_600;
