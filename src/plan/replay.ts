import type { VariantResult } from '../results/model.js';
import type { OpenLoopPhase } from '../load/schedule.js';
import { scheduleOffsetsUs } from '../load/schedule.js';
import { phaseWindowMs } from './measured.js';
import { decodeArrivals } from '../results/arrivals.js';

/** The lab's reaper period for a keep-alive, so simulated expiry lands on the same ticks. */
export { reapEveryMs } from '../platform/pool.js';

/**
 * The arrivals of a variant's run, µs from the first phase's start: the requests it sent, from the results'
 * arrival log (every request's intended send time), or, in files without one, rebuilt from the phases
 * (schedules are seeded, so this is the same sequence the sender used), each phase placed where it really
 * started. Without a log, closed-loop phases have no schedule and the variant cannot be replayed.
 */
export function variantArrivals(variant: VariantResult): { offsetsUs: Float64Array; horizonUs: number } | { unsupported: string } {
  const [from, to] = phaseWindowMs(variant);
  if (variant.arrivals) {
    const logged = decodeArrivals(variant.arrivals);
    return { offsetsUs: Float64Array.from(logged, (a) => a.atUs - from * 1000).filter((t) => t >= 0), horizonUs: (to - from) * 1000 };
  }
  const closed = variant.phases.find((p) => p.loop === 'closed');
  if (closed) return { unsupported: `phase ${closed.name} is closed loop (saturate) and the results hold no arrival log: its arrivals depend on the responses, so they cannot be rebuilt` };
  const parts: Float64Array[] = [];
  for (const result of variant.phases) {
    const phase = variant.variant.phases.find((p) => p.name === result.name) as OpenLoopPhase | undefined;
    if (!phase) return { unsupported: `phase ${result.name} is not in the variant's scenario` };
    const shift = (result.startMs - from) * 1000;
    parts.push(scheduleOffsetsUs(phase).map((t) => t + shift));
  }
  const offsetsUs = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) offsetsUs.set(part, (at += part.length) - part.length);
  // Phases follow each other, but a late phase start could overlap: keep arrivals in time order.
  offsetsUs.sort();
  return { offsetsUs, horizonUs: (to - from) * 1000 };
}
