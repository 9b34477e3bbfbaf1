import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/results/timeline.js';
import type { Outcome } from '../../src/results/recorder.js';

const ORIGIN = 10_000_000;

function at(seconds: number, partial: Partial<Outcome> = {}, latencyUs = 1000): Outcome {
  const endUs = ORIGIN + seconds * 1_000_000;
  return { intendedUs: endUs - latencyUs, sentUs: endUs - latencyUs, endUs, ok: true, status: 200, tags: { startKind: 'warm' }, ...partial };
}

describe('Timeline', () => {
  it('buckets requests, errors and cold starts per second since the origin', () => {
    const timeline = new Timeline(ORIGIN);
    timeline.onOutcome(at(0.1));
    timeline.onOutcome(at(0.5, { tags: { startKind: 'cold', coldReason: 'scale-out' } }, 80_000));
    timeline.onOutcome(at(0.9, { ok: false, errorKind: 'timeout' }));
    timeline.onOutcome(at(2.2));
    const points = timeline.points();
    expect(points.map((p) => p.t)).toEqual([0, 1, 2]);
    expect(points[0]).toMatchObject({ requests: 3, errors: 1, coldStarts: 1 });
    expect(points[1]).toEqual({ t: 1, requests: 0, errors: 0, coldStarts: 0, instances: 0 });
    expect(points[2]).toMatchObject({ requests: 1, errors: 0, coldStarts: 0 });
  });

  it('gives each second its own P50 / P99 of successful requests', () => {
    const timeline = new Timeline(ORIGIN);
    for (let i = 0; i < 100; i++) timeline.onOutcome(at(0.001 * (i + 1), {}, i < 98 ? 1000 : 50_000));
    timeline.onOutcome(at(0.5, { ok: false, errorKind: 'http-500' }, 900_000));
    for (let i = 0; i < 10; i++) timeline.onOutcome(at(1.1 + i * 0.01, {}, 5000));
    const [first, second] = timeline.points();
    expect(Math.abs((first?.p50Us ?? 0) - 1000)).toBeLessThan(5);
    expect(first?.p99Us).toBeGreaterThan(49_000);
    expect(first?.p99Us).toBeLessThan(51_000);
    expect(Math.abs((second?.p50Us ?? 0) - 5000)).toBeLessThan(10);
    expect(Math.abs((second?.p99Us ?? 0) - 5000)).toBeLessThan(10);
  });

  it('leaves percentiles out of a second without successes', () => {
    const timeline = new Timeline(ORIGIN);
    timeline.onOutcome(at(0.2, { ok: false, errorKind: 'connection' }));
    const [point] = timeline.points();
    expect(point?.p50Us).toBeUndefined();
    expect(point?.p99Us).toBeUndefined();
  });

  it('carries the instance count over seconds without a sample; memory only where sampled', () => {
    const timeline = new Timeline(ORIGIN);
    timeline.gauge(ORIGIN + 100_000, { instances: 2, hostMemAvailableKb: 1_000_000, instancesMemoryBytes: 50_000_000 });
    timeline.gauge(ORIGIN + 3_100_000, { instances: 1 });
    const points = timeline.points();
    expect(points.map((p) => p.instances)).toEqual([2, 2, 2, 1]);
    expect(points[0]).toMatchObject({ hostMemAvailableKb: 1_000_000, instancesMemoryBytes: 50_000_000 });
    expect(points[1]?.hostMemAvailableKb).toBeUndefined();
  });

  it('adds CPU deltas sampled within one second; a level keeps its last reading', () => {
    const timeline = new Timeline(ORIGIN);
    timeline.gauge(ORIGIN + 100_000, { instancesCpuUs: 30_000, instancesThrottledUs: 5_000, hostCachedKb: 900, instancesMemoryBytes: 10 });
    timeline.gauge(ORIGIN + 600_000, { instancesCpuUs: 20_000, instancesThrottledUs: 1_000, hostCachedKb: 800, instancesMemoryBytes: 20 });
    expect(timeline.points()[0]).toMatchObject({ instancesCpuUs: 50_000, instancesThrottledUs: 6_000, hostCachedKb: 800, instancesMemoryBytes: 20 });
  });

  it('counts outcomes from before the origin in second 0, and can be read while still filling', () => {
    const timeline = new Timeline(ORIGIN);
    timeline.onOutcome(at(-0.5));
    expect(timeline.points()[0]?.requests).toBe(1);
    timeline.onOutcome(at(0.3));
    timeline.onOutcome(at(1.3));
    expect(timeline.points().map((p) => p.requests)).toEqual([2, 1]);
  });

  it('is empty before anything happened', () => {
    expect(new Timeline(ORIGIN).points()).toEqual([]);
  });
});
