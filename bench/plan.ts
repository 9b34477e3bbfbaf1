import { simulate, type SimPolicy } from '../src/plan/simulate.js';
import { poissonArrivals } from '../src/plan/arrivals.js';
import { fixed } from '../src/plan/distribution.js';
import { Latencies } from '../src/plan/latencies.js';
import { stats, type Stats } from './stats.js';

export interface PlanBench {
  requests: number;
  rounds: number;
  simulateMs: Stats;
  /** CPU time of this process during simulate(): on a shared host, wall time also counts waiting for a core. */
  simulateCpuMs: Stats;
  /** The least any simulator of these requests does: draw the arrivals, keep a latency each, take percentiles. */
  baselineMs: Stats;
  baselineCpuMs: Stats;
}

// Wall and CPU milliseconds of one call.
function timed(run: () => void): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

// Arrivals, one latency kept per request and the percentiles, nothing else: what simulate() costs beyond that is the pool policy.
function baseline(requests: number): void {
  const next = poissonArrivals(0.9, requests, 1);
  const latencies = new Latencies();
  for (let t = next(); t !== Infinity; t = next()) latencies.add(1_991_000 + (t % 1000));
  latencies.percentiles([50, 99]);
}

/** Times `requests` simulated requests (the SimFaaS example: 0.9/s, warm 1.991 s, cold 2.244 s, keep-alive 600 s), alternating with the baseline. */
export function benchPlan(requests: number, rounds: number): PlanBench {
  const policy: SimPolicy = { maxInstances: 1_000_000, instanceConcurrency: 1, keepAliveMs: 600_000, provisioned: 0 };
  const sim: { wall: number; cpu: number }[] = [];
  const base: { wall: number; cpu: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    sim.push(timed(() => simulate({ policy, nextArrival: poissonArrivals(0.9, requests, round + 1), warm: fixed(1991), cold: fixed(2244), seed: round + 1 })));
    base.push(timed(() => baseline(requests)));
  }
  return {
    requests,
    rounds,
    simulateMs: stats(sim.map((t) => t.wall)),
    simulateCpuMs: stats(sim.map((t) => t.cpu)),
    baselineMs: stats(base.map((t) => t.wall)),
    baselineCpuMs: stats(base.map((t) => t.cpu)),
  };
}
