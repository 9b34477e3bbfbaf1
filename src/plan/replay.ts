import type { VariantResult } from '../results/model.js';
import type { OpenLoopPhase } from '../load/schedule.js';
import { scheduleOffsetsUs } from '../load/schedule.js';
import { phaseWindowMs } from './measured.js';
import { decodeColumns, loggedRequests, sampleWeight, type ArrivalSample } from '../results/arrivals.js';

/** The lab's reaper period for a keep-alive, so simulated expiry lands on the same ticks. */
export { reapEveryMs } from '../platform/pool.js';

/** A variant's arrivals, µs from its first phase's start, ascending. */
export interface VariantArrivals {
  offsetsUs: Float64Array;
  horizonUs: number;
  /** Set when the run's log kept 1 request in w: the offsets are that sample, each standing for w requests. */
  sample?: ArrivalSample;
  /** Set when a thinned log was set aside for the phases' own schedules, which gave every one of its requests. */
  rebuiltFrom?: ArrivalSample;
}

/**
 * The arrivals of a variant's run, µs from the first phase's start: the requests it sent, from the results'
 * arrival log (every request's intended send time), or, in files without one, rebuilt from the phases
 * (schedules are seeded, so this is the same sequence the sender used), each phase placed where it really
 * started. Without a log, closed-loop phases have no schedule and the variant cannot be replayed. A log
 * thinned to a 1-in-w sample (a long run) gives way to the rebuilt schedules when they hold exactly the
 * requests the log counted; otherwise the sample is returned, marked.
 */
export function variantArrivals(variant: VariantResult): VariantArrivals | { unsupported: string } {
  const [from, to] = phaseWindowMs(variant);
  const horizonUs = (to - from) * 1000;
  const log = variant.arrivals;
  if (!log) return rebuilt(variant, from, horizonUs);
  const oneIn = sampleWeight(log);
  const logged = (): Float64Array => decodeColumns(log).atUs.map((t) => t - from * 1000).filter((t) => t >= 0);
  if (oneIn === 1) return { offsetsUs: logged(), horizonUs };
  const sample = { oneIn, requests: loggedRequests(log) };
  try {
    const schedules = rebuilt(variant, from, horizonUs);
    if (!('unsupported' in schedules) && schedules.offsetsUs.length === sample.requests) return { ...schedules, rebuiltFrom: sample };
  } catch {
    // A trace file that can no longer be read: the sample will do.
  }
  return { offsetsUs: logged(), horizonUs, sample };
}

// Every phase's seeded schedule, placed where the phase really started.
function rebuilt(variant: VariantResult, from: number, horizonUs: number): VariantArrivals | { unsupported: string } {
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
  return { offsetsUs, horizonUs };
}
