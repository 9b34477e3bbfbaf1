import { z } from 'zod';

/**
 * Price lists: the shape of the scenario's `cost:` section and of a `--prices` file (the input model), the
 * built-in list prices and how overrides apply. What a variant costs at these prices is billing/'s.
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
