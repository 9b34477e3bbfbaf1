import { describe, expect, it } from 'vitest';
import { PhaseRecorder, type Outcome } from '../../src/results/recorder.js';
import type { SendLag } from '../../src/results/model.js';

const calmLag: SendLag = { p50Us: 20, p99Us: 900, maxUs: 2000, growing: false };

function outcome(partial: Partial<Outcome> & { latencyUs?: number; lagUs?: number } = {}): Outcome {
  const { latencyUs = 1000, lagUs = 0, ...rest } = partial;
  const intendedUs = 5_000_000;
  return { intendedUs, sentUs: intendedUs + lagUs, endUs: intendedUs + lagUs + latencyUs, ok: true, status: 200, ...rest };
}

const warm = (latencyUs = 1000): Outcome => outcome({ latencyUs, tags: { startKind: 'warm', instanceId: 'i1', queueUs: 5 } });
const cold = (reason: 'scale-out' | 'keepalive-expired', initMs: number): Outcome =>
  outcome({ latencyUs: 90_000, tags: { startKind: 'cold', coldReason: reason, initMs, queueUs: 80_000 } });

function openRecorder(targetRate = 2000): PhaseRecorder {
  return new PhaseRecorder({ name: 'steady', kind: 'constant', loop: 'open', startMs: 1500, targetRate });
}

describe('PhaseRecorder', () => {
  it('keeps cold and warm apart, and leaves untagged successes only in `all`', () => {
    const recorder = openRecorder();
    [warm(), warm(), warm(), cold('scale-out', 12.5), cold('keepalive-expired', 30), outcome()].forEach((o) => recorder.record(o));
    const result = recorder.finish({ durationMs: 1000, sent: 6, achievedRate: 2000, sendLag: calmLag });
    expect(result.ok).toBe(6);
    expect(result.latency.all?.corrected.count).toBe(6);
    expect(result.latency.warm?.corrected.count).toBe(3);
    expect(result.latency.cold?.corrected.count).toBe(2);
    expect(result.latency.cold?.corrected.minUs).toBeGreaterThanOrEqual(89_000);
    expect(result.latency.warm?.corrected.maxUs).toBeLessThan(1100);
    expect(result.coldStarts).toEqual({ 'scale-out': 1, 'keepalive-expired': 1 });
    expect(result.coldInit?.count).toBe(2);
    expect(Math.abs((result.coldInit?.minUs ?? 0) - 12_500)).toBeLessThan(20);
    expect(result.queueWait?.count).toBe(5);
  });

  it('counts every failure by kind and never records it as latency', () => {
    const recorder = openRecorder();
    recorder.record(warm());
    recorder.record(outcome({ ok: false, status: 500, errorKind: 'http-500', tags: { startKind: 'warm' } }));
    recorder.record(outcome({ ok: false, status: 500, errorKind: 'http-500' }));
    recorder.record(outcome({ ok: false, errorKind: 'timeout' }));
    recorder.record(outcome({ ok: false, status: 503, errorKind: 'gateway:no-instance' }));
    recorder.record(outcome({ ok: false, status: 404 }));
    recorder.record({ intendedUs: 1, sentUs: 1, endUs: 2, ok: false });
    const result = recorder.finish({ durationMs: 1000, sent: 7, achievedRate: 2000, sendLag: calmLag });
    expect(result.ok).toBe(1);
    expect(result.errors).toEqual({ 'http-500': 2, timeout: 1, 'gateway:no-instance': 1, 'http-404': 1, unknown: 1 });
    expect(result.latency.all?.corrected.count).toBe(1);
  });

  it('counts the cold start of a request whose handler then failed, but not a gateway failure', () => {
    const recorder = openRecorder();
    recorder.record(outcome({ ok: false, status: 500, errorKind: 'http-500', tags: { startKind: 'cold', coldReason: 'scale-out', initMs: 40 } }));
    recorder.record(outcome({ ok: false, status: 502, errorKind: 'gateway:start-failed', tags: { startKind: 'cold', coldReason: 'scale-out', gatewayError: 'start-failed' } }));
    const result = recorder.finish({ durationMs: 1000, sent: 2, achievedRate: 2000 });
    expect(result.coldStarts['scale-out']).toBe(1);
    expect(result.latency.cold).toBeUndefined();
    expect(result.latency.all).toBeUndefined();
  });

  it('measures corrected latency from the intended time: never below the uncorrected one', () => {
    const recorder = openRecorder();
    for (let i = 0; i < 100; i++) recorder.record(outcome({ latencyUs: 1000 + i * 10, lagUs: i * 100, tags: { startKind: 'warm' } }));
    const all = recorder.finish({ durationMs: 1000, sent: 100, achievedRate: 2000, sendLag: calmLag }).latency.all;
    expect(all).toBeDefined();
    for (const key of ['p50Us', 'p90Us', 'p99Us', 'maxUs'] as const) expect(all?.corrected[key]).toBeGreaterThanOrEqual(all?.uncorrected[key] ?? Infinity);
    expect(all?.corrected.p99Us).toBeGreaterThan(all?.uncorrected.p99Us ?? Infinity);
  });

  it('copies the phase info and run figures into the result', () => {
    const result = openRecorder(2000).finish({ durationMs: 1234, sent: 0, achievedRate: 0 });
    expect(result).toMatchObject({ name: 'steady', kind: 'constant', loop: 'open', startMs: 1500, durationMs: 1234, targetRate: 2000, sent: 0, ok: 0 });
    expect(result.latency).toEqual({});
    expect(result.coldInit).toBeUndefined();
  });
});

describe('PhaseRecorder validity', () => {
  it('is invalid with a human reason when the achieved rate is under 95% of the target', () => {
    const result = openRecorder(2000).finish({ durationMs: 1000, sent: 1720, achievedRate: 1720, sendLag: calmLag });
    expect(result.valid).toBe(false);
    expect(result.invalidReasons).toHaveLength(1);
    expect(result.invalidReasons[0]).toContain('achieved 1,720 req/s of 2,000 target (86%)');
  });

  it('judges a phase with a schedule by what it sent of what was scheduled, so a sparse Poisson draw is not a failure', () => {
    const poisson = new PhaseRecorder({ name: 'after-idle', kind: 'poisson', loop: 'open', startMs: 0, targetRate: 20 });
    // 93 arrivals drawn for 20 req/s × 5 s, all sent: the sender did its job.
    expect(poisson.finish({ durationMs: 5000, scheduled: 93, sent: 93, achievedRate: 18.6, sendLag: calmLag }).valid).toBe(true);
    const short = openRecorder(2000).finish({ durationMs: 1000, scheduled: 2000, sent: 1720, achievedRate: 1720, sendLag: calmLag });
    expect(short.valid).toBe(false);
    expect(short.invalidReasons[0]).toContain('sent 1,720 of 2,000 scheduled requests (86%');
    expect(short.invalidReasons[0]).not.toContain('steady:'); // the variant names the phase, once
  });

  it('is valid at 95% or more of the target', () => {
    expect(openRecorder(2000).finish({ durationMs: 1000, sent: 1950, achievedRate: 1950, sendLag: calmLag }).valid).toBe(true);
  });

  it('is invalid when send lag kept growing', () => {
    const result = openRecorder().finish({ durationMs: 1000, sent: 2000, achievedRate: 2000, sendLag: { p50Us: 40_000, p99Us: 180_000, maxUs: 200_000, growing: true } });
    expect(result.valid).toBe(false);
    expect(result.invalidReasons[0]).toMatch(/send lag kept growing \(p50 40 ms, p99 180 ms, max 200 ms\)/);
  });

  it('is invalid when the sender was steadily late by more than 50 ms for 1% of requests', () => {
    const result = openRecorder().finish({ durationMs: 1000, sent: 2000, achievedRate: 2000, sendLag: { p50Us: 600, p99Us: 175_000, maxUs: 190_000, growing: false } });
    expect(result.valid).toBe(false);
    expect(result.invalidReasons[0]).toContain('175 ms');
  });

  it('gives every reason at once', () => {
    const result = openRecorder(1000).finish({ durationMs: 1000, sent: 500, achievedRate: 500, sendLag: { p50Us: 9000, p99Us: 90_000, maxUs: 100_000, growing: true } });
    expect(result.invalidReasons).toHaveLength(2);
  });

  it('never judges a closed-loop or idle phase by rate', () => {
    const closed = new PhaseRecorder({ name: 'max', kind: 'saturate', loop: 'closed', startMs: 0 });
    expect(closed.finish({ durationMs: 1000, sent: 3, achievedRate: 3 }).valid).toBe(true);
    const idle = new PhaseRecorder({ name: 'pause', kind: 'idle', loop: 'open', startMs: 0 });
    expect(idle.finish({ durationMs: 1000, sent: 0, achievedRate: 0, sendLag: { p50Us: 0, p99Us: 0, maxUs: 0, growing: false } }).valid).toBe(true);
  });
});
