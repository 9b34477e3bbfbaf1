import { describe, expect, it } from 'vitest';
import { simulate, type SimPolicy } from '../../src/plan/simulate.js';
import { fromOffsets, poissonArrivals } from '../../src/plan/arrivals.js';
import { exponential, fixed } from '../../src/plan/distribution.js';

const open: SimPolicy = { maxInstances: 1_000_000, instanceConcurrency: 1, keepAliveMs: 600_000, provisioned: 0 };

// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ.
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / c;
  const top = last * (c / (c - a));
  return top / (sum + top);
}

describe('the simulator against closed forms and the SimFaaS worked example', () => {
  it('M/M/c without keep-alive effects: mean waiting time within 5% of Erlang C', () => {
    // λ = 8/s, mean service 1 s, c = 10 instances provisioned (always warm, never reaped): utilisation 0.8.
    const c = 10;
    const lambda = 8;
    const result = simulate({ policy: { maxInstances: c, instanceConcurrency: 1, keepAliveMs: 1e12, provisioned: c }, nextArrival: poissonArrivals(lambda, 400_000, 11), warm: exponential(1000), cold: exponential(1000), seed: 12 });
    const wqMs = (erlangC(c, lambda) / (c - lambda)) * 1000;
    expect(result.coldStartProbability).toBe(0);
    expect(Math.abs(result.meanWaitMs - wqMs) / wqMs).toBeLessThan(0.05);
    // Little's law on the servers: mean busy instances = λ / μ.
    expect(result.meanRunningInstances).toBeCloseTo(lambda, 0);
  });

  it('SimFaaS README example: 0.9/s, warm 1.991 s, cold 2.244 s, expiration 600 s → cold starts ≈ 0.0014, ≈ 7.66 instances', () => {
    // SimFaaS draws exponential service times; coldlab's policy keeps the most recently used instance busy.
    const result = simulate({ policy: open, nextArrival: poissonArrivals(0.9, 1_000_000, 1), warm: exponential(1991), cold: exponential(2244), seed: 2 });
    expect(Math.abs(result.coldStartProbability - 0.0014) / 0.0014).toBeLessThan(0.15);
    expect(Math.abs(result.meanInstances - 7.66) / 7.66).toBeLessThan(0.05);
    expect(result.meanRunningInstances + result.meanIdleInstances).toBeCloseTo(result.meanInstances, 6);
  });

  it('is reproducible from its seed', () => {
    const run = (seed: number) => simulate({ policy: open, nextArrival: poissonArrivals(5, 20_000, seed), warm: exponential(100), cold: exponential(300), seed });
    expect(run(3)).toEqual(run(3));
    expect(run(4)).not.toEqual(run(3));
  });
});

describe('the simulator follows the pool policy step by step', () => {
  const at = (...ms: number[]) => fromOffsets(ms.map((m) => m * 1000));

  it('scales from zero, reuses a warm instance, and starts cold again after keep-alive', () => {
    // Cold 100 ms, warm 10 ms, keep-alive 50 ms: 0 cold; 120 warm (idle since 100); 300 cold (reaped at 180).
    const r = simulate({ policy: { ...open, keepAliveMs: 50 }, nextArrival: at(0, 120, 300), warm: fixed(10), cold: fixed(100), seed: 1, horizonUs: 400_000 });
    expect([r.coldRequests, r.instanceStarts, r.requests]).toEqual([2, 2, 3]);
    // Alive 0–180 (reaped 50 ms after its last use at 130) and 300–450 clipped to 400: 280 ms of 400.
    expect(r.meanInstances).toBeCloseTo(280 / 400, 6);
  });

  it('expires on the reaper\'s ticks, as the lab does', () => {
    // Last used at 100 ms, keep-alive 50 ms, ticks every 40 ms: reaped at the 160 ms tick, so 155 ms is still warm.
    const r = simulate({ policy: { ...open, keepAliveMs: 50, reapEveryMs: 40 }, nextArrival: at(0, 155), warm: fixed(10), cold: fixed(100), seed: 1 });
    expect(r.coldRequests).toBe(1);
  });

  it('queues beyond maxInstances and serves the queue warm', () => {
    // One instance at most: three requests at once, cold 100 ms, warm 10 ms: 100, 110, 120 ms.
    const r = simulate({ policy: { ...open, maxInstances: 1 }, nextArrival: at(0, 0, 0), warm: fixed(10), cold: fixed(100), seed: 1 });
    expect([r.coldRequests, r.instanceStarts, r.peakInstances]).toEqual([1, 1, 1]);
    expect(r.p99Ms).toBeCloseTo(120, 6);
    expect(r.meanWaitMs).toBeCloseTo((90 + 100 + 110) / 3, 6);
  });

  it('lets requests join a starting instance up to its concurrency', () => {
    const r = simulate({ policy: { ...open, instanceConcurrency: 2 }, nextArrival: at(0, 1, 2), warm: fixed(10), cold: fixed(100), seed: 1 });
    expect([r.coldRequests, r.instanceStarts]).toEqual([3, 2]);
  });

  it('keeps provisioned instances warm and never reaps them', () => {
    const r = simulate({ policy: { ...open, keepAliveMs: 10, provisioned: 1 }, nextArrival: at(0, 500, 5000), warm: fixed(10), cold: fixed(100), seed: 1, horizonUs: 6_000_000 });
    expect(r.coldRequests).toBe(0);
    expect(r.meanInstances).toBeCloseTo(1, 6);
  });

  it('picks the most recently used warm instance, so the others can expire', () => {
    // Two instances (two requests at 0); afterwards a request every 30 ms keeps only one of them busy.
    const later = Array.from({ length: 20 }, (_, k) => 150 + 30 * k);
    const r = simulate({ policy: { ...open, keepAliveMs: 100 }, nextArrival: at(0, 0, ...later), warm: fixed(5), cold: fixed(100), seed: 1, horizonUs: 800_000 });
    expect(r.instanceStarts).toBe(2);
    // The second instance is reaped 100 ms after its only use (at 100 ms): alive 0–200, the first 0–800.
    expect(r.meanInstances).toBeCloseTo((800 + 200) / 800, 6);
  });
});
