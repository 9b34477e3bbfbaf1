import type { Latencies } from './latencies.js';

/** What one simulation predicts. Times in ms; instance figures are averages over the horizon. */
export interface SimResult {
  requests: number;
  /** Requests that triggered or joined an instance start (coldlab tags them cold). */
  coldRequests: number;
  /** Instances started during load (provisioned ones excluded). */
  instanceStarts: number;
  coldStartProbability: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Mean time from arrival until an instance took the request (queueing and waiting for a start). */
  meanWaitMs: number;
  meanInstances: number;
  /** Starting or serving at least one request. */
  meanRunningInstances: number;
  meanIdleInstances: number;
  peakInstances: number;
  /** Instance-seconds alive over the horizon (× memory GB = what a pool of this size holds). */
  instanceSeconds: number;
  horizonS: number;
}

/** Counters and time integrals of the simulated pool (alive and running instances). */
export class Accounting {
  alive = 0;
  running = 0;
  private peak = 0;
  private lastUs = 0;
  private aliveArea = 0;
  private runningArea = 0;
  private requests = 0;
  private coldRequests = 0;
  private starts = 0;
  private waitSum = 0;

  constructor(public horizonUs: number) {}

  /** Integrates the counts up to `t` (never past the horizon). */
  to(t: number): void {
    const until = Math.min(t, this.horizonUs);
    if (until <= this.lastUs) return;
    const dt = until - this.lastUs;
    this.aliveArea += this.alive * dt;
    this.runningArea += this.running * dt;
    this.lastUs = until;
  }

  started(cold: boolean): void {
    this.alive++;
    this.peak = Math.max(this.peak, this.alive);
    if (cold) {
      this.running++;
      this.starts++;
    }
  }

  ready(): void {
    this.running--;
  }

  stopped(): void {
    this.alive--;
  }

  busy(delta: 1 | -1): void {
    this.running += delta;
  }

  arrived(): void {
    this.requests++;
  }

  coldRequest(): void {
    this.coldRequests++;
  }

  waited(us: number): void {
    this.waitSum += us;
  }

  result(latency: Latencies): SimResult {
    const horizon = Number.isFinite(this.horizonUs) ? this.horizonUs : this.lastUs;
    const seconds = horizon / 1e6;
    const mean = (area: number): number => (horizon > 0 ? area / horizon : 0);
    const [p50 = 0, p90 = 0, p99 = 0] = latency.percentiles([50, 90, 99]).map((us) => us / 1000);
    return {
      requests: this.requests,
      coldRequests: this.coldRequests,
      instanceStarts: this.starts,
      coldStartProbability: this.requests > 0 ? this.coldRequests / this.requests : 0,
      p50Ms: p50,
      p90Ms: p90,
      p99Ms: p99,
      meanMs: latency.meanUs / 1000,
      meanWaitMs: this.requests > 0 ? this.waitSum / this.requests / 1000 : 0,
      meanInstances: mean(this.aliveArea),
      meanRunningInstances: mean(this.runningArea),
      meanIdleInstances: mean(this.aliveArea - this.runningArea),
      peakInstances: this.peak,
      instanceSeconds: this.aliveArea / 1e6,
      horizonS: seconds,
    };
  }
}
