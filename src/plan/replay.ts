import type { PhaseResult, VariantResult } from '../results/model.js';
import type { OpenLoopPhase } from '../load/schedule.js';
import { scheduleOffsetsUs } from '../load/schedule.js';
import { decodeColumns, loggedRequests, sampleWeight, type ArrivalSample } from '../results/arrivals.js';

/** The lab's reaper period for a keep-alive, so simulated expiry lands on the same ticks. */
export { reapEveryMs } from '../platform/pool.js';

/**
 * The part of a variant's run the simulator judges: its phases up to the first closed-loop one. A closed
 * loop's arrivals depend on the answers (a faster pool gets more requests), which an open-arrival model
 * cannot replay, and the pool it leaves behind is not one the simulation could have reached.
 */
export interface JudgedWindow {
  phases: PhaseResult[];
  /** ms on the variant's clock: the first judged phase's start, the last one's end. */
  fromMs: number;
  toMs: number;
  /** One line naming the phases left out and why; absent when every phase is judged. */
  leftOut?: string;
}

export function judgedWindow(variant: VariantResult): JudgedWindow {
  const firstClosed = variant.phases.findIndex((p) => p.loop === 'closed');
  const phases = firstClosed < 0 ? variant.phases : variant.phases.slice(0, firstClosed);
  const first = phases[0];
  const last = phases[phases.length - 1];
  const window: JudgedWindow = { phases, fromMs: first?.startMs ?? 0, toMs: last ? last.startMs + last.durationMs : 0 };
  if (firstClosed >= 0) {
    const out = variant.phases.slice(firstClosed).map((p) => p.name);
    window.leftOut = `closed-loop phase ${variant.phases[firstClosed]?.name ?? ''}${out.length > 1 ? ` and what follows it (${out.slice(1).join(', ')})` : ''} left out: its arrivals depend on the answers, which an open-arrival simulation cannot replay`;
  }
  return window;
}

/** A variant's arrivals in its judged window, µs from the window's start, ascending. */
export interface VariantArrivals {
  offsetsUs: Float64Array;
  horizonUs: number;
  /** Set when the run's log kept 1 request in w: the offsets are that sample, each standing for w requests. */
  sample?: ArrivalSample;
  /** Set when a thinned log was set aside for the phases' own schedules, which gave every one of its requests. */
  rebuiltFrom?: ArrivalSample;
}

/**
 * The arrivals of a variant's judged window: the requests it sent, from the results' arrival log (every
 * request's intended send time), or, in files without one, rebuilt from the phases (schedules are seeded,
 * so this is the same sequence the sender used), each phase placed where it really started. A log thinned
 * to a 1-in-w sample (a long run) gives way to the rebuilt schedules when they hold exactly the requests
 * the log counted; otherwise the sample is returned, marked.
 */
export function variantArrivals(variant: VariantResult, window: JudgedWindow = judgedWindow(variant)): VariantArrivals | { unsupported: string } {
  const { fromMs: from, toMs: to } = window;
  if (window.phases.length === 0) return { unsupported: window.leftOut ?? 'no phase to replay' };
  const horizonUs = (to - from) * 1000;
  const log = variant.arrivals;
  if (!log) return rebuilt(variant, window, horizonUs);
  const oneIn = sampleWeight(log);
  const logged = (): Float64Array => decodeColumns(log).atUs.map((t) => t - from * 1000).filter((t) => t >= 0 && t < horizonUs);
  if (oneIn === 1) return { offsetsUs: logged(), horizonUs };
  const sample = { oneIn, requests: loggedRequests(log) };
  try {
    const schedules = rebuilt(variant, window, horizonUs);
    if (!('unsupported' in schedules) && schedules.offsetsUs.length === sample.requests) return { ...schedules, rebuiltFrom: sample };
  } catch {
    // A trace file that can no longer be read: the sample will do.
  }
  return { offsetsUs: logged(), horizonUs, sample };
}

// Every judged phase's seeded schedule, placed where the phase really started.
function rebuilt(variant: VariantResult, window: JudgedWindow, horizonUs: number): VariantArrivals | { unsupported: string } {
  const parts: Float64Array[] = [];
  for (const result of window.phases) {
    const phase = variant.variant.phases.find((p) => p.name === result.name) as OpenLoopPhase | undefined;
    if (!phase) return { unsupported: `phase ${result.name} is not in the variant's scenario` };
    const shift = (result.startMs - window.fromMs) * 1000;
    parts.push(scheduleOffsetsUs(phase).map((t) => t + shift));
  }
  const offsetsUs = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) offsetsUs.set(part, (at += part.length) - part.length);
  // Phases follow each other, but a late phase start could overlap: keep arrivals in time order.
  offsetsUs.sort();
  return { offsetsUs, horizonUs };
}
