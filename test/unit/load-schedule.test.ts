import { describe, expect, it } from 'vitest';
import { phaseDurationMs, scheduleOffsetsUs, targetRate } from '../../src/load/schedule.js';

function ascending(offsets: Float64Array): boolean {
  for (let i = 1; i < offsets.length; i++) if ((offsets[i] ?? 0) < (offsets[i - 1] ?? 0)) return false;
  return true;
}

function gap(offsets: Float64Array, i: number): number {
  return (offsets[i] ?? Number.NaN) - (offsets[i - 1] ?? Number.NaN);
}

describe('constant schedule', () => {
  it('sends rate × duration requests, request k at k / rate', () => {
    const offsets = scheduleOffsetsUs({ kind: 'constant', rate: 100, duration: 2000 });
    expect(offsets.length).toBe(200);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(10_000);
    expect(offsets[199]).toBe(1_990_000);
    expect(ascending(offsets)).toBe(true);
  });

  it('is not short by one when rate × duration is a float product like 2000 × 0.3', () => {
    expect(scheduleOffsetsUs({ kind: 'constant', rate: 2000, duration: 300 }).length).toBe(600);
  });

  it('reports its rate and duration', () => {
    expect(targetRate({ kind: 'constant', rate: 250, duration: 1000 })).toBe(250);
    expect(phaseDurationMs({ kind: 'constant', rate: 250, duration: 1500 })).toBe(1500);
  });
});

describe('poisson schedule', () => {
  const phase = { kind: 'poisson', rate: 1000, duration: 10_000, seed: 42 } as const;

  it('averages the target rate within 3% for a fixed seed, inside the phase, ascending', () => {
    const offsets = scheduleOffsetsUs(phase);
    expect(Math.abs(offsets.length - 10_000)).toBeLessThan(300);
    const meanGapUs = (offsets[offsets.length - 1] ?? 0) / (offsets.length - 1);
    expect(Math.abs(meanGapUs - 1000)).toBeLessThan(30);
    expect(ascending(offsets)).toBe(true);
    expect(offsets[0]).toBeGreaterThan(0);
    expect(offsets[offsets.length - 1]).toBeLessThan(10_000_000);
  });

  it('is reproducible from its seed, and seed 1 is the default', () => {
    expect(scheduleOffsetsUs(phase)).toEqual(scheduleOffsetsUs(phase));
    expect(scheduleOffsetsUs({ ...phase, seed: 7 })).not.toEqual(scheduleOffsetsUs(phase));
    expect(scheduleOffsetsUs({ kind: 'poisson', rate: 50, duration: 2000 })).toEqual(scheduleOffsetsUs({ kind: 'poisson', rate: 50, duration: 2000, seed: 1 }));
  });

  it('has irregular gaps (exponential, not constant)', () => {
    const offsets = scheduleOffsetsUs(phase);
    const gaps = new Set<number>();
    for (let i = 1; i < 50; i++) gaps.add(Math.round(gap(offsets, i)));
    expect(gaps.size).toBeGreaterThan(40);
    expect(targetRate(phase)).toBe(1000);
  });
});

describe('ramp schedule', () => {
  it('rises from `from` to `to`: count is the area under the rate, gaps shrink to 1 / to', () => {
    const offsets = scheduleOffsetsUs({ kind: 'ramp', from: 0, to: 100, duration: 10_000 });
    expect(offsets.length).toBe(500);
    expect(offsets[0]).toBe(0);
    expect(offsets[499]).toBeLessThan(10_000_000);
    expect(ascending(offsets)).toBe(true);
    // N(t) = 100 t² / 20, so 125 requests fall in the first half.
    expect(offsets.filter((t) => t < 5_000_000).length).toBe(125);
    expect(Math.abs(gap(offsets, 499) - 10_000)).toBeLessThan(200);
  });

  it('falls from `from` to `to` with gaps growing from 1 / from', () => {
    const offsets = scheduleOffsetsUs({ kind: 'ramp', from: 100, to: 0, duration: 10_000 });
    expect(offsets.length).toBe(500);
    expect(Math.abs(gap(offsets, 1) - 10_000)).toBeLessThan(100);
    expect(ascending(offsets)).toBe(true);
    expect(offsets[499]).toBeLessThan(10_000_000);
    expect(offsets.filter((t) => t < 5_000_000).length).toBe(375);
  });

  it('matches a constant schedule when flat, and targets the mean rate', () => {
    const flat = scheduleOffsetsUs({ kind: 'ramp', from: 50, to: 50, duration: 2000 });
    const constant = scheduleOffsetsUs({ kind: 'constant', rate: 50, duration: 2000 });
    expect(flat.length).toBe(constant.length);
    flat.forEach((t, i) => expect(t).toBeCloseTo(constant[i] ?? Number.NaN, 3));
    expect(targetRate({ kind: 'ramp', from: 10, to: 30, duration: 1000 })).toBe(20);
  });
});

describe('burst schedule', () => {
  const phase = { kind: 'burst', size: 3, every: 200, count: 4 } as const;

  it('puts `size` requests at k × every for each burst', () => {
    expect(Array.from(scheduleOffsetsUs(phase))).toEqual([0, 0, 0, 200_000, 200_000, 200_000, 400_000, 400_000, 400_000, 600_000, 600_000, 600_000]);
  });

  it('lasts until the last burst plus a short tail, and its rate is requests over that time', () => {
    expect(phaseDurationMs(phase)).toBe(800);
    expect(targetRate(phase)).toBe(15);
    expect(phaseDurationMs({ kind: 'burst', size: 10, every: 60_000, count: 1 })).toBe(1000);
  });
});

describe('idle and saturate', () => {
  it('idle sends nothing, lasts its duration, promises no rate', () => {
    const idle = { kind: 'idle', duration: 3000 } as const;
    expect(scheduleOffsetsUs(idle).length).toBe(0);
    expect(phaseDurationMs(idle)).toBe(3000);
    expect(targetRate(idle)).toBeUndefined();
  });

  it('saturate promises no rate', () => {
    const saturate = { kind: 'saturate', connections: 4, duration: 2000 } as const;
    expect(targetRate(saturate)).toBeUndefined();
    expect(phaseDurationMs(saturate)).toBe(2000);
  });
});
