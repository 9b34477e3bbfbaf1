import { z } from 'zod';

/**
 * The cost model every recommendation, plan and gate prices with. It is plain arithmetic on list prices:
 * an estimate to compare variants by, never a bill.
 *
 * API (used by advise/, the capacity planner and the CI gate's `cost.perMillion` threshold):
 * - `Prices`, `DEFAULT_PRICES`, `pricesSchema` / `pricesOverrideSchema` (the scenario's `cost:` and `--prices FILE`)
 * - `resolvePrices(...overrides)`: defaults with overrides applied, later ones winning
 * - `billedMs(durationMs, prices)`: a duration rounded up to the billing granularity
 * - `gbOf(memoryMb)`: memory size in GB as providers bill it (MB / 1024)
 * - `requestCost(durationMs, memoryMb, prices, { provisioned? })`: one request of that measured duration
 * - `perMillion(costPerRequest)`: the same, per million requests
 * - `provisionedIdleCost(memoryMb, seconds, prices, instances?)`: keeping provisioned instances allocated
 * - `breakEvenUtilization(prices)`: busy share above which provisioned capacity is cheaper than on-demand
 */

/** Where the default figures come from, shown next to every cost so nobody mistakes them for a bill. */
export const DEFAULT_PRICES_SOURCE = 'AWS Lambda x86, us-east-1, public list prices';
export const DEFAULT_PRICES_AS_OF = '2026-11-24';

export const pricesSchema = z.strictObject({
  source: z.string().min(1).max(200).meta({ description: 'Where these prices come from, shown with every cost' }),
  asOf: z.string().min(1).max(40).meta({ description: 'When these prices were read (a date)' }),
  currency: z.string().min(1).max(8).meta({ description: 'Currency symbol or code, e.g. "$"' }),
  gbSecond: z.number().nonnegative().max(1).meta({ description: 'On-demand duration price per GB-second' }),
  perMillionRequests: z.number().nonnegative().max(1_000).meta({ description: 'Price per million requests' }),
  provisionedGbSecond: z.number().nonnegative().max(1).meta({ description: 'Provisioned concurrency: price per GB-second allocated (paid idle or busy)' }),
  provisionedExecutedGbSecond: z.number().nonnegative().max(1).meta({ description: 'Provisioned concurrency: price per GB-second of execution on a provisioned instance' }),
  billingGranularityMs: z.number().positive().max(60_000).meta({ description: 'Billed durations are rounded up to a multiple of this (AWS Lambda: 1 ms)' }),
  billInit: z.boolean().meta({ description: 'Whether a cold start\'s init time is billed as duration (AWS Lambda on-demand: yes since 2025-08-01)' }),
});

export type Prices = z.output<typeof pricesSchema>;

/** The scenario's `cost:` section and a `--prices` file: any subset of the keys, the rest from the defaults. */
export const pricesOverrideSchema = pricesSchema.partial();
export type PricesOverride = z.output<typeof pricesOverrideSchema>;

export const DEFAULT_PRICES: Readonly<Prices> = Object.freeze({
  source: DEFAULT_PRICES_SOURCE,
  asOf: DEFAULT_PRICES_AS_OF,
  currency: '$',
  gbSecond: 0.0000166667,
  perMillionRequests: 0.2,
  provisionedGbSecond: 0.0000041667,
  provisionedExecutedGbSecond: 0.0000097222,
  billingGranularityMs: 1,
  billInit: true,
});

/** True when these are the built-in list prices (reports then say so, with their date). */
export function isDefaultPrices(prices: Prices): boolean {
  return (Object.keys(DEFAULT_PRICES) as (keyof Prices)[]).every((key) => prices[key] === DEFAULT_PRICES[key]);
}

/** Defaults, then each override in order. An override that changes a figure but names no source is labelled custom. */
export function resolvePrices(...overrides: (PricesOverride | undefined)[]): Prices {
  let prices: Prices = { ...DEFAULT_PRICES };
  for (const override of overrides) {
    if (!override) continue;
    const changesFigures = (Object.keys(override) as (keyof Prices)[]).some(
      (k) => k !== 'source' && k !== 'asOf' && k !== 'currency' && override[k] !== undefined && override[k] !== prices[k],
    );
    const relabel = changesFigures && override.source === undefined ? { source: 'custom prices', asOf: override.asOf ?? 'unknown date' } : {};
    prices = { ...prices, ...relabel, ...definedOnly(override) };
  }
  return prices;
}

// exactOptionalPropertyTypes: spreading a partial must not write undefined over a default.
function definedOnly(override: PricesOverride): Partial<Prices> {
  return Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined)) as Partial<Prices>;
}

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
