import { describe, expect, it } from 'vitest';
import { pairedRatio, stats } from '../../bench/stats.js';

// The bench's small statistics: the median it reports and the ratio of paired samples.
describe('bench statistics', () => {
  it('takes the upper middle sample as P50, with min and max', () => {
    expect(stats([3, 1, 4, 2])).toEqual({ p50: 3, min: 1, max: 4 });
  });

  it('pairs samples by round: a slow round slows both sides and leaves their ratio alone', () => {
    expect(pairedRatio([110, 220, 105], [100, 200, 100])).toBeCloseTo(1.1);
    expect(pairedRatio([1, 2], [1])).toBe(1);
    expect(pairedRatio([], [])).toBeNaN();
  });
});
