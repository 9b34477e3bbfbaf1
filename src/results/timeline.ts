import type { TimelinePoint } from './model.js';
import type { Outcome } from './recorder.js';
import { newHistogram, recordUs } from './histogram.js';

/** Levels read by the sampler: the last reading of a second stands, except counters' deltas, which add up. */
export type Gauges = Partial<Pick<TimelinePoint, 'instances' | 'hostMemAvailableKb' | 'hostCachedKb' | 'instancesMemoryBytes' | 'instancesCpuUs' | 'instancesThrottledUs'>>;
const LEVELS = ['hostMemAvailableKb', 'hostCachedKb', 'instancesMemoryBytes'] as const;
const DELTAS = ['instancesCpuUs', 'instancesThrottledUs'] as const;

interface Bucket extends Gauges {
  requests: number;
  errors: number;
  coldStarts: number;
  p50Us?: number;
  p99Us?: number;
}

/**
 * Per-second view of a variant, bucketed by when each request completed (outcomes arrive in that order),
 * so only the current second needs a histogram: earlier seconds keep just their P50/P99.
 */
export class Timeline {
  private readonly buckets = new Map<number, Bucket>();
  private readonly histogram = newHistogram();
  private openSecond = -1;

  constructor(private readonly originUs: number) {}

  onOutcome(o: Outcome): void {
    const second = this.secondOf(o.endUs);
    if (second > this.openSecond) this.closeSecond(second);
    const bucket = this.bucket(second);
    bucket.requests += 1;
    if (!o.ok) bucket.errors += 1;
    if (o.tags?.startKind === 'cold' && o.tags.gatewayError === undefined) bucket.coldStarts += 1;
    // A late outcome for an already closed second still counts, but its percentiles are settled.
    if (o.ok && second === this.openSecond) recordUs(this.histogram, o.endUs - o.intendedUs);
  }

  gauge(atUs: number, values: Gauges): void {
    const bucket = this.bucket(this.secondOf(atUs));
    if (values.instances !== undefined) bucket.instances = Math.max(bucket.instances ?? 0, values.instances);
    for (const key of LEVELS) if (values[key] !== undefined) bucket[key] = values[key];
    for (const key of DELTAS) if (values[key] !== undefined) bucket[key] = (bucket[key] ?? 0) + values[key];
  }

  /** Every second from 0 to the last one seen; the instance count is a level, so it carries over empty seconds. */
  points(): TimelinePoint[] {
    const open = this.buckets.get(this.openSecond);
    if (open) Object.assign(open, this.percentiles());
    let last = -1;
    for (const second of this.buckets.keys()) if (second > last) last = second;
    const points: TimelinePoint[] = [];
    let instances = 0;
    for (let t = 0; t <= last; t++) {
      const bucket = this.buckets.get(t);
      instances = bucket?.instances ?? instances;
      const point: TimelinePoint = { t, requests: bucket?.requests ?? 0, errors: bucket?.errors ?? 0, coldStarts: bucket?.coldStarts ?? 0, instances };
      if (bucket?.p50Us !== undefined) point.p50Us = bucket.p50Us;
      if (bucket?.p99Us !== undefined) point.p99Us = bucket.p99Us;
      for (const key of [...LEVELS, ...DELTAS]) if (bucket?.[key] !== undefined) point[key] = bucket[key];
      points.push(point);
    }
    return points;
  }

  private secondOf(us: number): number {
    return Math.max(0, Math.floor((us - this.originUs) / 1_000_000));
  }

  private bucket(second: number): Bucket {
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { requests: 0, errors: 0, coldStarts: 0 };
      this.buckets.set(second, bucket);
    }
    return bucket;
  }

  // Settles the open second's percentiles and reuses the one histogram for the next second.
  private closeSecond(next: number): void {
    const open = this.buckets.get(this.openSecond);
    if (open) Object.assign(open, this.percentiles());
    this.histogram.reset();
    this.openSecond = next;
  }

  private percentiles(): Pick<Bucket, 'p50Us' | 'p99Us'> {
    if (this.histogram.totalCount === 0) return {};
    return { p50Us: this.histogram.getValueAtPercentile(50), p99Us: this.histogram.getValueAtPercentile(99) };
  }
}
