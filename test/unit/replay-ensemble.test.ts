import { describe, expect, it } from 'vitest';
import { REPLAYS, medianReplay, replaysFor, type RunReplay } from '../../src/plan/replayRun.js';
import type { SimResult } from '../../src/plan/simulate.js';

// One replay as the simulator would give it; only the figures the ensemble ranks and ranges matter here.
function replay(instanceStarts: number, meanInstances: number, p99Ms = 10): RunReplay {
  const predicted = { requests: 100, coldRequests: instanceStarts, instanceStarts, coldStartProbability: instanceStarts / 100, p99Ms, meanInstances } as SimResult;
  return { variant: 'v', policy: { maxInstances: 4, instanceConcurrency: 1, keepAliveMs: 1000, provisioned: 0 }, predicted, byPhase: {}, idleInstanceSeconds: 0, measured: {} as RunReplay['measured'], notes: [] };
}

describe('an ensemble of replays (one per seed)', () => {
  it('answers with its median replay, whole, and the 5–95% range of each figure beside it', () => {
    const ensemble = [12, 8, 10, 9, 14, 10, 11, 10, 9, 10, 13].map((starts, i) => replay(starts, starts / 4, 100 + i));
    const median = medianReplay(ensemble);
    expect(median.predicted.instanceStarts).toBe(10);
    // Its figures are one simulation's, so they agree with each other.
    expect(median.predicted.meanInstances).toBe(2.5);
    expect(median.spread?.replays).toBe(11);
    expect(median.spread?.instanceStarts).toEqual({ low: 8, median: 10, high: 14 });
    expect(median.spread?.meanInstances).toEqual({ low: 2, median: 2.5, high: 3.5 });
  });

  it('breaks a tie on instance starts by mean instances, so the answer does not depend on seed order', () => {
    const a = medianReplay([replay(5, 3), replay(5, 1), replay(5, 2)]);
    const b = medianReplay([replay(5, 2), replay(5, 3), replay(5, 1)]);
    expect(a.predicted.meanInstances).toBe(2);
    expect(b.predicted.meanInstances).toBe(2);
  });

  it('of one replay is that replay, with a range of no width', () => {
    const one = medianReplay([replay(7, 1.5)]);
    expect(one.predicted.instanceStarts).toBe(7);
    expect(one.spread?.instanceStarts).toEqual({ low: 7, median: 7, high: 7 });
  });

  it('is smaller for long runs, whose many arrivals average the draws out, and always odd', () => {
    expect(replaysFor(800)).toBe(REPLAYS);
    expect(replaysFor(60_000)).toBe(3);
    expect(replaysFor(10_000_000)).toBe(1);
    for (const n of [1, 5_000, 20_000, 40_000, 150_000]) expect(replaysFor(n) % 2).toBe(1);
  });
});
