import type { ArrivalColumns } from '../results/arrivals.js';
import { reapEveryMs } from '../platform/pool.js';

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
  /**
   * Requests each arrival stands for (a log thinned 1 in w): its service time is scaled by w, so the offered
   * load stays the same, and the requests it delayed or queued count w times. Default 1.
   */
  weight?: number;
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

/** One simulated instance; its busy time is kept as a running union (requests on it start in time order). */
interface SimInstance {
  provisioned: boolean;
  startedUs: number;
  readyUs: number;
  /** When each of the instance's concurrency slots is next free. */
  slots: Float64Array;
  /** The latest of `slots`: when the instance goes idle. */
  lastFreeUs: number;
  /** The reaper tick that stops it if no request comes first (Infinity for provisioned instances). */
  reapUs: number;
  /** Busy time of the closed busy stretches, and the open stretch [blockFrom, blockTo]. */
  busyUs: number;
  blockFrom: number;
  blockTo: number;
}

/**
 * Replays a run's arrivals through the pool's policy (platform/pool.ts) in simulated time: a warm instance
 * first (the most recently used), else join an instance still starting, else start one (a cold start) up
 * to maxInstances, else queue for the first instance to free up. Idle instances are reaped on the same
 * reaper ticks as the real pool's, at the first tick after keep-alive has passed. Per arrival it only walks
 * the live instances: no allocation, and stopped instances are settled and dropped as they stop.
 */
export function replay(arrivals: ArrivalColumns, policy: ReplayPolicy): ReplayOutcome {
  const tickUs = reapEveryMs(policy.keepAliveMs) * 1000;
  const keepAliveUs = policy.keepAliveMs * 1000;
  const conc = policy.instanceConcurrency;
  const weight = policy.weight ?? 1;
  const out: ReplayOutcome = { instanceColdStarts: 0, coldDelayedRequests: 0, queuedRequests: 0, aliveUs: 0, idleUs: 0 };
  // Live instances in the order they started (ties go to the older one, as in the pool).
  const live: SimInstance[] = [];
  const make = (provisioned: boolean, startedUs: number, readyUs: number): SimInstance => {
    const instance: SimInstance = { provisioned, startedUs, readyUs, slots: new Float64Array(conc).fill(readyUs), lastFreeUs: readyUs, reapUs: Infinity, busyUs: 0, blockFrom: readyUs, blockTo: readyUs };
    instance.reapUs = reapTime(instance);
    live.push(instance);
    nextReapUs = Math.min(nextReapUs, instance.reapUs);
    return instance;
  };
  const reapTime = (s: SimInstance): number => (s.provisioned ? Infinity : Math.ceil((Math.max(s.readyUs, s.lastFreeUs) + keepAliveUs) / tickUs) * tickUs);
  // The earliest reap among the live instances: until then no arrival needs to look for expired ones.
  let nextReapUs = Infinity;
  const settle = (s: SimInstance, stoppedUs: number): void => {
    const aliveUs = Math.max(0, stoppedUs - s.startedUs);
    out.aliveUs += aliveUs;
    out.idleUs += Math.max(0, aliveUs - (s.busyUs + (s.blockTo - s.blockFrom)));
  };
  const serve = (s: SimInstance, slot: number, from: number, serviceUs: number): void => {
    const to = from + serviceUs;
    s.slots[slot] = to;
    if (to > s.lastFreeUs) {
      s.lastFreeUs = to;
      s.reapUs = reapTime(s);
    }
    if (from > s.blockTo) {
      s.busyUs += s.blockTo - s.blockFrom;
      s.blockFrom = from;
      s.blockTo = to;
    } else if (to > s.blockTo) s.blockTo = to;
  };
  for (let i = 0; i < policy.provisioned; i++) make(true, 0, 0);
  const starts = typeof policy.coldStartUs === 'number' ? [] : policy.coldStartUs;
  const fallbackUs = typeof policy.coldStartUs === 'number' ? policy.coldStartUs : medianOf(policy.coldStartUs);
  const { atUs, serviceUs: services } = arrivals;
  for (let a = 0; a < atUs.length; a++) {
    const t = atUs[a] ?? 0;
    const serviceUs = (services[a] ?? 0) * weight;
    // Reap, keeping the survivors in order. A reap time only moves later, so nextReapUs is a lower bound.
    if (nextReapUs <= t) {
      let kept = 0;
      nextReapUs = Infinity;
      for (const s of live) {
        if (s.reapUs <= t) settle(s, s.reapUs);
        else {
          live[kept++] = s;
          if (s.reapUs < nextReapUs) nextReapUs = s.reapUs;
        }
      }
      live.length = kept;
    }
    // Ready, with a free slot; the most recently used first, as the pool prefers (so the others can be reaped).
    let warm: SimInstance | undefined;
    let warmSlot = -1;
    let warmUsed = -Infinity;
    for (const s of live) {
      if (s.readyUs > t) continue;
      let slot = -1;
      let used = s.readyUs;
      for (let k = 0; k < conc; k++) {
        const free = s.slots[k] ?? 0;
        if (free > t) continue;
        if (slot < 0) slot = k;
        if (free > used) used = free;
      }
      if (slot >= 0 && used > warmUsed) {
        warm = s;
        warmSlot = slot;
        warmUsed = used;
      }
    }
    if (warm) {
      serve(warm, warmSlot, t, serviceUs);
      continue;
    }
    const starting = joinable(live, t);
    if (starting) {
      serve(starting, starting.slots.indexOf(starting.readyUs), starting.readyUs, serviceUs);
      out.coldDelayedRequests += weight;
      continue;
    }
    if (live.length < policy.maxInstances) {
      const fresh = make(false, t, t + (starts[out.instanceColdStarts] ?? fallbackUs));
      serve(fresh, 0, fresh.readyUs, serviceUs);
      out.instanceColdStarts++;
      out.coldDelayedRequests += weight;
      continue;
    }
    const next = earliestSlot(live);
    if (next >= 0) {
      const s = live[Math.floor(next / conc)]!;
      const slot = next % conc;
      serve(s, slot, Math.max(t, s.slots[slot] ?? t), serviceUs);
      out.queuedRequests += weight;
    }
  }
  for (const s of live) settle(s, s.provisioned ? policy.endUs : Math.min(s.reapUs, Math.max(policy.endUs, s.lastFreeUs)));
  return out;
}

// The first instance still starting with a slot nobody has joined yet.
function joinable(live: readonly SimInstance[], t: number): SimInstance | undefined {
  for (const s of live) if (s.readyUs > t && s.slots.includes(s.readyUs)) return s;
  return undefined;
}

// The slot that frees up first, as instance index × concurrency + slot (first of equals); -1 with no instance.
function earliestSlot(live: readonly SimInstance[]): number {
  let best = -1;
  let bestFree = Infinity;
  let at = 0;
  for (const s of live) {
    for (const free of s.slots) {
      if (best < 0 || free < bestFree) {
        best = at;
        bestFree = free;
      }
      at++;
    }
  }
  return best;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
