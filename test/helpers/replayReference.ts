// The keep-alive replay as it was before it stopped allocating per arrival (commit 2fbb7d2), kept as an oracle:
// the rewritten replay must give the same figures on an exact (unthinned) log.
import type { Arrival } from '../../src/results/arrivals.js';
import { reapEveryMs } from '../../src/platform/pool.js';

/** The pool's knobs a replay runs under (platform/pool.ts). */
export interface ReplayPolicy {
  keepAliveMs: number;
  maxInstances: number;
  instanceConcurrency: number;
  provisioned: number;
  /** How long an instance takes from start to ready, µs: the run's median, or its measured starts in order (the median once they run out). */
  coldStartUs: number | readonly number[];
  /** When the variant ended, µs: instances still alive are stopped then. */
  endUs: number;
}

export interface ReplayOutcome {
  /** Instances started for requests. */
  instanceColdStarts: number;
  /** Requests that waited on a starting instance. */
  coldDelayedRequests: number;
  /** Requests that queued because every instance was busy and none could be started. */
  queuedRequests: number;
  /** Instance time alive (start to stop) and the part of it with no request in flight, µs. */
  aliveUs: number;
  idleUs: number;
}

interface SimInstance {
  provisioned: boolean;
  startedUs: number;
  readyUs: number;
  /** When each of the instance's concurrency slots is next free. */
  slots: number[];
  stoppedUs?: number;
  busy: Array<[number, number]>;
}

/**
 * Replays a run's arrivals through the pool's policy (platform/pool.ts) in simulated time: a warm instance
 * first (the most recently used), else join an instance still starting, else start one (a cold start) up
 * to maxInstances, else queue for the first instance to free up. Idle instances are reaped on the same
 * reaper ticks as the real pool's, at the first tick after keep-alive has passed.
 */
export function referenceReplay(arrivals: readonly Arrival[], policy: ReplayPolicy): ReplayOutcome {
  const tickUs = reapEveryMs(policy.keepAliveMs) * 1000;
  const conc = policy.instanceConcurrency;
  const instances: SimInstance[] = [];
  const make = (provisioned: boolean, startedUs: number, readyUs: number): SimInstance => {
    const instance: SimInstance = { provisioned, startedUs, readyUs, slots: new Array<number>(conc).fill(readyUs), busy: [] };
    instances.push(instance);
    return instance;
  };
  for (let i = 0; i < policy.provisioned; i++) make(true, 0, 0);
  const reapTime = (s: SimInstance): number => {
    const idleFrom = Math.max(s.readyUs, ...s.slots);
    return Math.ceil((idleFrom + policy.keepAliveMs * 1000) / tickUs) * tickUs;
  };
  const out: ReplayOutcome = { instanceColdStarts: 0, coldDelayedRequests: 0, queuedRequests: 0, aliveUs: 0, idleUs: 0 };
  const starts = typeof policy.coldStartUs === 'number' ? [] : policy.coldStartUs;
  const fallbackUs = typeof policy.coldStartUs === 'number' ? policy.coldStartUs : medianOf(policy.coldStartUs);
  for (const { atUs: t, serviceUs } of arrivals) {
    const alive = instances.filter((s) => s.stoppedUs === undefined);
    for (const s of alive) if (!s.provisioned && reapTime(s) <= t) s.stoppedUs = reapTime(s);
    const live = alive.filter((s) => s.stoppedUs === undefined);
    const serve = (s: SimInstance, slot: number, from: number): void => {
      s.slots[slot] = from + serviceUs;
      s.busy.push([from, from + serviceUs]);
    };
    const warm = pickWarm(live, t);
    if (warm) {
      serve(warm.instance, warm.slot, t);
      continue;
    }
    const starting = live.find((s) => s.readyUs > t && s.slots.some((free) => free === s.readyUs));
    if (starting) {
      serve(starting, starting.slots.indexOf(starting.readyUs), starting.readyUs);
      out.coldDelayedRequests++;
      continue;
    }
    if (live.length < policy.maxInstances) {
      const fresh = make(false, t, t + (starts[out.instanceColdStarts] ?? fallbackUs));
      serve(fresh, 0, fresh.readyUs);
      out.instanceColdStarts++;
      out.coldDelayedRequests++;
      continue;
    }
    const next = earliestSlot(live);
    if (next) {
      serve(next.instance, next.slot, Math.max(t, next.freeUs));
      out.queuedRequests++;
    }
  }
  for (const s of instances) {
    if (s.stoppedUs === undefined) s.stoppedUs = s.provisioned ? policy.endUs : Math.min(reapTime(s), Math.max(policy.endUs, ...s.slots));
    const aliveUs = Math.max(0, s.stoppedUs - s.startedUs);
    out.aliveUs += aliveUs;
    out.idleUs += Math.max(0, aliveUs - unionUs(s.busy));
  }
  return out;
}

// Ready, with a free slot; the most recently used first, as the pool prefers (so the others can be reaped).
function pickWarm(live: SimInstance[], t: number): { instance: SimInstance; slot: number } | undefined {
  let best: { instance: SimInstance; slot: number; lastUsed: number } | undefined;
  for (const s of live) {
    if (s.readyUs > t) continue;
    const slot = s.slots.findIndex((free) => free <= t);
    if (slot < 0) continue;
    const lastUsed = Math.max(s.readyUs, ...s.slots.filter((free) => free <= t));
    if (!best || lastUsed > best.lastUsed) best = { instance: s, slot, lastUsed };
  }
  return best;
}

function earliestSlot(live: SimInstance[]): { instance: SimInstance; slot: number; freeUs: number } | undefined {
  let best: { instance: SimInstance; slot: number; freeUs: number } | undefined;
  for (const s of live) s.slots.forEach((free, slot) => (!best || free < best.freeUs ? (best = { instance: s, slot, freeUs: free }) : undefined));
  return best;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// Busy time with overlapping requests (instance concurrency > 1) counted once.
function unionUs(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
