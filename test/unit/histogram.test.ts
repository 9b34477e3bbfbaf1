import { describe, expect, it } from 'vitest';
import { mergeData, newHistogram, recordUs, toData } from '../../src/results/histogram.js';

describe('histogram data', () => {
  it('never reports a percentile above the largest value recorded', () => {
    const h = newHistogram();
    // 1,301,000 µs sits in a bucket whose highest equivalent value is above it.
    [1_244_000, 1_250_000, 1_290_000, 1_301_000].forEach((us) => recordUs(h, us));
    const data = toData(h);
    expect(data.maxUs).toBe(1_301_000);
    expect(data.p99Us).toBeLessThanOrEqual(data.maxUs);
    expect(data.p999Us).toBeLessThanOrEqual(data.maxUs);
  });

  it('keeps percentiles within 0.1% of the recorded values (3 significant digits)', () => {
    const h = newHistogram();
    for (let us = 1; us <= 100_000; us++) recordUs(h, us);
    const data = toData(h);
    expect(Math.abs(data.p50Us - 50_000) / 50_000).toBeLessThan(0.001);
    expect(Math.abs(data.p99Us - 99_000) / 99_000).toBeLessThan(0.001);
  });

  it('merges bucket by bucket, not by averaging percentiles', () => {
    const fast = newHistogram();
    const slow = newHistogram();
    for (let i = 0; i < 99; i++) recordUs(fast, 1_000);
    recordUs(slow, 500_000);
    const merged = mergeData([toData(fast), toData(slow)]);
    expect(merged.count).toBe(100);
    expect(merged.p50Us).toBeLessThan(1_002);
    expect(merged.maxUs).toBe(500_000);
  });
});
