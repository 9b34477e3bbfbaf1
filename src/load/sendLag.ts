import type { SendLag } from '../results/model.js';
import { newHistogram, recordUs, type Histogram } from '../results/histogram.js';

/** A sender this far behind at the end of a phase, and at least twice as far as at its start, is not keeping up. */
export const GROWING_LAG_MIN_US = 5_000;
export const GROWING_LAG_FACTOR = 2;

// The schedule's span is cut into this many time buckets, each with its own lag histogram, so the first and
// last quarter of what was sent can be compared without keeping one lag per request (a long soak sends millions).
const BUCKETS = 64;

/**
 * Collects how late each request left (actual − intended send) in constant memory. Lag is compared between
 * the first and last quarter of the schedule's *time span* that was sent, not of the send order, so one big
 * burst that takes a few milliseconds to write out is not mistaken for a sender falling further behind.
 */
export class SendLagRecorder {
  private readonly whole = newHistogram();
  private readonly buckets: Array<Histogram | undefined> = new Array<Histogram | undefined>(BUCKETS);
  private lastOffsetUs = 0;
  private sent = 0;

  /** `spanUs`: the schedule's length, µs (the offsets recorded lie within it). */
  constructor(private readonly spanUs: number) {}

  record(offsetUs: number, lagUs: number): void {
    this.sent++;
    recordLag(this.whole, lagUs);
    if (offsetUs > this.lastOffsetUs) this.lastOffsetUs = offsetUs;
    const index = this.bucketOf(offsetUs);
    let bucket = this.buckets[index];
    if (!bucket) {
      bucket = newHistogram();
      this.buckets[index] = bucket;
    }
    recordLag(bucket, lagUs);
  }

  summary(): SendLag {
    if (this.sent === 0) return { p50Us: 0, p99Us: 0, maxUs: 0, growing: false };
    const whole = this.whole;
    // Quarters of the span actually sent: a sender that fell behind sent only the start of the schedule.
    // Each quarter takes every bucket its time range touches, so a short phase (5 requests) still has
    // more than one request in each, as the exact quarters would.
    const first = this.merge(0, this.bucketOf(this.lastOffsetUs / 4) + 1);
    const last = this.merge(this.bucketOf((this.lastOffsetUs * 3) / 4), this.bucketOf(this.lastOffsetUs) + 1);
    const growing =
      this.lastOffsetUs > 0 &&
      first.totalCount > 0 &&
      last.totalCount > 0 &&
      median(last) >= GROWING_LAG_MIN_US &&
      median(last) > GROWING_LAG_FACTOR * median(first);
    return { p50Us: whole.getValueAtPercentile(50), p99Us: whole.getValueAtPercentile(99), maxUs: whole.maxValue, growing };
  }

  private bucketOf(offsetUs: number): number {
    if (this.spanUs <= 0) return 0;
    return Math.min(BUCKETS - 1, Math.max(0, Math.floor((offsetUs / this.spanUs) * BUCKETS)));
  }

  private merge(from: number, to: number): Histogram {
    const merged = newHistogram();
    for (let i = from; i < to; i++) {
      const bucket = this.buckets[i];
      if (bucket) merged.add(bucket);
    }
    return merged;
  }
}

/** The same summary from whole arrays (tests, and schedules small enough to keep). */
export function summariseSendLag(offsetsUs: Float64Array, lagsUs: Float64Array, sent: number): SendLag {
  // The span up to the last request sent, plus a hair so that request falls inside the last bucket.
  const spanUs = sent > 0 ? (offsetsUs[sent - 1] ?? 0) * (1 + 1e-9) : 0;
  const recorder = new SendLagRecorder(spanUs);
  for (let i = 0; i < sent; i++) recorder.record(offsetsUs[i] ?? 0, lagsUs[i] ?? 0);
  return recorder.summary();
}
// Lag can be a hair negative when a send fires just before its due time (timer granularity): count it as 0.
function recordLag(histogram: Histogram, lagUs: number): void {
  recordUs(histogram, Math.max(0, lagUs));
}

function median(histogram: Histogram): number {
  return histogram.getValueAtPercentile(50);
}
