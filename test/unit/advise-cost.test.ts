import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { DEFAULT_PRICES, isDefaultPrices, resolvePrices } from '../../src/scenario/prices.js';
import { billedMs, breakEvenUtilization, perMillion, provisionedIdleCost, requestCost } from '../../src/billing/rates.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { problemsOf } from '../helpers/scenario.js';

// Every expected figure below was worked out by hand from the list prices, not by calling the code twice.
describe('cost model', () => {
  it('rounds durations up to the billing granularity, at least one step', () => {
    expect(billedMs(1.2, DEFAULT_PRICES)).toBe(2);
    expect(billedMs(3, DEFAULT_PRICES)).toBe(3);
    expect(billedMs(0.3, DEFAULT_PRICES)).toBe(1);
    expect(billedMs(101, { billingGranularityMs: 100 })).toBe(200);
    expect(billedMs(0, { billingGranularityMs: 100 })).toBe(100);
  });

  it('prices one request: request charge plus GB-seconds', () => {
    // 512 MB = 0.5 GB, 100 ms = 0.1 s: 0.05 GB-s × 0.0000166667 = 0.000000833335, plus 0.2 / 1e6 = 0.0000002.
    expect(requestCost(100, 512, DEFAULT_PRICES)).toBeCloseTo(0.000001033335, 15);
    expect(perMillion(requestCost(100, 512, DEFAULT_PRICES))).toBeCloseTo(1.033335, 9);
    // 1024 MB, 1.2 ms billed as 2 ms: 0.002 GB-s × 0.0000166667 = 0.0000000333334, plus 0.0000002.
    expect(perMillion(requestCost(1.2, 1024, DEFAULT_PRICES))).toBeCloseTo(0.2333334, 9);
    // On a provisioned instance: 0.05 GB-s × 0.0000097222 = 0.00000048611, plus 0.0000002.
    expect(perMillion(requestCost(100, 512, DEFAULT_PRICES, { provisioned: true }))).toBeCloseTo(0.68611, 9);
  });

  it('prices idle provisioned capacity and its break-even utilization', () => {
    // 1 GB for an hour: 3,600 GB-s × 0.0000041667 = 0.01500012.
    expect(provisionedIdleCost(1024, 3600, DEFAULT_PRICES)).toBeCloseTo(0.01500012, 12);
    // Two 128 MB instances for 10 s: 2 × 0.125 × 10 × 0.0000041667 = 2.5 × 0.0000041667 = 0.00001041675.
    expect(provisionedIdleCost(128, 10, DEFAULT_PRICES, 2)).toBeCloseTo(0.00001041675, 15);
    // 0.0000041667 / (0.0000166667 − 0.0000097222) = 0.0000041667 / 0.0000069445 ≈ 0.6000.
    expect(breakEvenUtilization(DEFAULT_PRICES)).toBeCloseTo(0.6, 3);
    expect(breakEvenUtilization({ ...DEFAULT_PRICES, provisionedExecutedGbSecond: DEFAULT_PRICES.gbSecond })).toBe(Number.POSITIVE_INFINITY);
  });

  it('applies overrides in order and labels changed figures as custom', () => {
    expect(isDefaultPrices(resolvePrices())).toBe(true);
    const custom = resolvePrices({ billingGranularityMs: 100 }, { perMillionRequests: 0.4 });
    expect(custom).toMatchObject({ billingGranularityMs: 100, perMillionRequests: 0.4, gbSecond: DEFAULT_PRICES.gbSecond, source: 'custom prices' });
    expect(isDefaultPrices(custom)).toBe(false);
    expect(resolvePrices({ gbSecond: 0.00001, source: 'our contract', asOf: '2026-01-01' })).toMatchObject({ source: 'our contract', asOf: '2026-01-01' });
  });
});

describe('scenario cost: and advice: keys', () => {
  const FILE = resolve('test/data/scenarios/virtual.yaml');
  const head = 'name: x\nfunction:\n  path: ../../../fixtures/functions/hello.mjs\nphases:\n  - { kind: constant, rate: 1, duration: 1s }\n';

  it('accepts partial prices and advice targets', () => {
    const loaded = parseScenarioText(`${head}cost:\n  gbSecond: 0.00002\nadvice:\n  p99TargetMs: 250\n`, FILE);
    expect(loaded.scenario.cost).toEqual({ gbSecond: 0.00002 });
    expect(loaded.scenario.advice).toEqual({ balancedWeight: 0.5, p99Of: 'warm', p99TargetMs: 250 });
  });

  it('refuses unknown price keys with a suggestion, and weights outside 0..1', () => {
    const problems = problemsOf(`${head}cost:\n  gbsecond: 0.00002\nadvice:\n  balancedWeight: 2\n`, FILE);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [7, 'unknown key "gbsecond" in cost'],
      [9, 'advice.balancedWeight must be at most 1 (got 2)'],
    ]);
    expect(problems[0]?.hint).toContain('gbSecond');
  });
});
