import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

type Costs = Record<string, { costPerMillionRequestsUsd: number }>;

// advise, compare and gate bill a variant with the one cost model (billing/variantCost.ts): their --json agree.
describe('one cost model', () => {
  it('advise --json, compare --json and gate --json give every variant key the same costPerMillionRequestsUsd', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldlab-cost-'));
    const file = join(dir, 'results.json');
    // Custom prices: each command must use the run's own, never the defaults.
    const result = { ...sampleRunResult({ variants: [{ memoryMb: 256 }, { memoryMb: 512 }] }), prices: { source: 'our contract', asOf: '2026-12-01', currency: '€', gbSecond: 0.00002, perMillionRequests: 0.5, provisionedGbSecond: 0.000005, provisionedExecutedGbSecond: 0.00001, billingGranularityMs: 10, billInit: false } };
    await writeFile(file, JSON.stringify(result));
    const json = async (args: string[]): Promise<{ costs: Costs | { a: Costs } }> => {
      const io = captureIO();
      await main(args, io);
      return JSON.parse(io.stdout()) as { costs: Costs | { a: Costs } };
    };
    const advise = (await json(['advise', file, '--json'])).costs as Costs;
    const gate = (await json(['gate', file, '--json', '--threshold', 'warm.p99 < 10s'])).costs as Costs;
    const compare = ((await json(['compare', file, file, '--json', '-o', join(dir, 'c.html')])).costs as { a: Costs }).a;
    expect(Object.keys(advise)).toHaveLength(2);
    for (const [key, cost] of Object.entries(advise)) {
      expect(gate[key]?.costPerMillionRequestsUsd).toBe(cost.costPerMillionRequestsUsd);
      expect(compare[key]?.costPerMillionRequestsUsd).toBe(cost.costPerMillionRequestsUsd);
      // At least the request charge of the contract's prices, not the default $0.20.
      expect(cost.costPerMillionRequestsUsd).toBeGreaterThanOrEqual(0.5);
    }
  });
});
