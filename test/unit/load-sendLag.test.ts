import { describe, expect, it } from 'vitest';
import { SendLagRecorder, summariseSendLag } from '../../src/load/sendLag.js';

function plan(count: number, gapUs: number, lag: (i: number) => number): [Float64Array, Float64Array] {
  return [Float64Array.from({ length: count }, (_, i) => i * gapUs), Float64Array.from({ length: count }, (_, i) => lag(i))];
}

describe('summariseSendLag', () => {
  it('is all zero when nothing was sent', () => {
    expect(summariseSendLag(new Float64Array(0), new Float64Array(0), 0)).toEqual({ p50Us: 0, p99Us: 0, maxUs: 0, growing: false });
  });

  it('summarises p50, p99 and max of the lag', () => {
    const [offsets, lags] = plan(1000, 1000, (i) => (i < 990 ? 100 : 20_000));
    const lag = summariseSendLag(offsets, lags, 1000);
    expect(lag.p50Us).toBeGreaterThanOrEqual(100);
    expect(lag.p50Us).toBeLessThan(101);
    expect(lag.maxUs).toBeGreaterThanOrEqual(20_000);
    expect(lag.growing).toBe(false);
  });

  it('flags lag that keeps growing over the phase', () => {
    const [offsets, lags] = plan(1000, 1000, (i) => i * 100);
    expect(summariseSendLag(offsets, lags, 1000).growing).toBe(true);
  });

  it('does not flag a steady lag, nor growth that stays under a few ms', () => {
    expect(summariseSendLag(...plan(1000, 1000, () => 10_000), 1000).growing).toBe(false);
    expect(summariseSendLag(...plan(1000, 1000, (i) => i), 1000).growing).toBe(false);
  });

  it('does not mistake the time to write out one big burst for a sender falling behind', () => {
    const offsets = new Float64Array(1000);
    const lags = Float64Array.from({ length: 1000 }, (_, i) => i * 50);
    expect(summariseSendLag(offsets, lags, 1000).growing).toBe(false);
  });

  it('only looks at the requests that were sent', () => {
    const [offsets, lags] = plan(1000, 1000, (i) => (i < 500 ? 10 : 1_000_000));
    expect(summariseSendLag(offsets, lags, 500).maxUs).toBeLessThan(1000);
  });

  it('does not call one late request at the end of a short phase a growing lag', () => {
    // A 1 s phase of 5 requests (the gate's end-to-end test) whose last request left 5.5 ms late.
    const offsets = Float64Array.from([0, 200_000, 400_000, 600_000, 800_000]);
    const lags = Float64Array.from([100, 100, 100, 100, 5_500]);
    expect(summariseSendLag(offsets, lags, 5).growing).toBe(false);
  });

  it('the streaming recorder agrees with the whole-array summary when the phase spans the schedule', () => {
    const recorder = new SendLagRecorder(1_000_000);
    const offsets = Float64Array.from({ length: 1000 }, (_, i) => i * 1000);
    const lags = Float64Array.from({ length: 1000 }, (_, i) => i * 100);
    offsets.forEach((offset, i) => recorder.record(offset, lags[i] ?? 0));
    expect(recorder.summary()).toEqual(summariseSendLag(offsets, lags, 1000));
  });
});

