import type { SendLag } from '../results/model.js';
import { newHistogram, recordUs, type Histogram } from '../results/histogram.js';

/** A sender this far behind at the end of a phase, and at least twice as far as at its start, is not keeping up. */
export const GROWING_LAG_MIN_US = 5_000;
export const GROWING_LAG_FACTOR = 2;

/**
 * Summarises how late each request left (actual − intended send). Lag is compared between the first and
 * last quarter of the schedule's *time span*, not of the send order, so one big burst that takes a few
 * milliseconds to write out is not mistaken for a sender falling further and further behind.
 */
export function summariseSendLag(offsetsUs: Float64Array, lagsUs: Float64Array, sent: number): SendLag {
  if (sent === 0) return { p50Us: 0, p99Us: 0, maxUs: 0, growing: false };
  const whole = newHistogram();
  const first = newHistogram();
  const last = newHistogram();
  const spanUs = offsetsUs[sent - 1] ?? 0;
  for (let i = 0; i < sent; i++) {
    const lag = lagsUs[i] ?? 0;
    recordLag(whole, lag);
    if (spanUs <= 0) continue;
    const quarter = Math.min(3, Math.floor(((offsetsUs[i] ?? 0) / spanUs) * 4));
    if (quarter === 0) recordLag(first, lag);
    else if (quarter === 3) recordLag(last, lag);
  }
  const growing =
    first.totalCount > 0 &&
    last.totalCount > 0 &&
    median(last) >= GROWING_LAG_MIN_US &&
    median(last) > GROWING_LAG_FACTOR * median(first);
  return { p50Us: whole.getValueAtPercentile(50), p99Us: whole.getValueAtPercentile(99), maxUs: whole.maxValue, growing };
}

// Lag can be a hair negative when a send fires just before its due time (timer granularity): count it as 0.
function recordLag(histogram: Histogram, lagUs: number): void {
  recordUs(histogram, Math.max(0, lagUs));
}

function median(histogram: Histogram): number {
  return histogram.getValueAtPercentile(50);
}
