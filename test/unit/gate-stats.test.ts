import { describe, expect, it } from 'vitest';
import { compareSamples, enoughRepetitions, holmAdjust, minimumRepetitions } from '../../src/gate/stats.js';
import { mulberry32 } from '../../src/util/prng.js';

// Per-repetition figures drawn around a centre with ±8% noise, the spread seen between runs on a shared runner.
function reps(centre: number, n: number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => centre * (1 + (random() - 0.5) * 0.16));
}

const options = { alpha: 0.05, tolerance: 0.1, seed: 1 };

describe('gate statistics (Mann-Whitney U + bootstrap ratio of medians)', () => {
  it('identical samples are no regression', () => {
    const same = reps(2000, 10, 3);
    const c = compareSamples(same, same, options);
    expect(c.verdict).toBe('unchanged');
    expect(c.ratio).toBe(1);
    expect(c.pValue).toBeGreaterThan(0.4);
    expect(c.interval[0]).toBeLessThanOrEqual(1);
    expect(c.interval[1]).toBeGreaterThanOrEqual(1);
  });

  it('a 30% shift with 10 repetitions each is a regression', () => {
    const c = compareSamples(reps(2000, 10, 3), reps(2600, 10, 4), options);
    expect(c.verdict).toBe('regression');
    expect(c.pValue).toBeLessThan(0.01);
    expect(c.ratio).toBeGreaterThan(1.2);
    expect(c.interval[0]).toBeGreaterThan(1.1);
    expect(c.u).toBeGreaterThan(80); // of 100 pairs, most candidate figures are above the baseline ones
  });

  it('a 5% shift with a 10% tolerance passes, even when it is significant', () => {
    const base = Array.from({ length: 10 }, (_, i) => 1000 + i);
    const cand = base.map((x) => x * 1.05);
    const c = compareSamples(base, cand, options);
    expect(c.pValue).toBeLessThan(0.05);
    expect(c.verdict).toBe('unchanged');
    expect(c.reason).toContain('within the 10% tolerance');
  });

  it('a large shift that is not significant is not a regression', () => {
    const c = compareSamples([100, 300, 150, 120, 900], [130, 110, 1000, 160, 140], options);
    expect(c.verdict).not.toBe('regression');
  });

  it('says plainly when there are too few repetitions for a verdict', () => {
    expect(minimumRepetitions(0.05)).toBe(4);
    expect(enoughRepetitions(3, 3, 0.05)).toBe(false);
    expect(enoughRepetitions(3, 4, 0.05)).toBe(true);
    const c = compareSamples([1, 2, 3], [10, 20, 30], options);
    expect(c.verdict).toBe('too-few-repetitions');
    expect(c.reason).toMatch(/too few repetitions.*at least 4/);
  });

  it('is reproducible: the same seed gives the same interval and p-value', () => {
    const a = compareSamples(reps(2000, 8, 5), reps(2300, 8, 6), options);
    const b = compareSamples(reps(2000, 8, 5), reps(2300, 8, 6), options);
    expect(b).toEqual(a);
  });

  it("Holm's adjustment: the smallest p times the number of tests, then step down, never decreasing", () => {
    const adjusted = holmAdjust([0.01, 0.04, NaN, 0.03]);
    expect(adjusted[0]).toBeCloseTo(0.03);
    expect(adjusted[3]).toBeCloseTo(0.06);
    expect(adjusted[1]).toBeCloseTo(0.06);
    expect(adjusted[2]).toBeNaN();
  });
});
