import { mulberry32 } from '../util/prng.js';
import type { Distribution } from './distribution.js';
import { EventHeap } from './heap.js';
import { InstanceTable } from './instances.js';
import { Accounting, type SimResult } from './accounting.js';
import { Latencies } from './latencies.js';

/** The platform knobs of platform/pool.ts, as a variant sets them. */
export interface SimPolicy {
  maxInstances: number;
  instanceConcurrency: number;
  keepAliveMs: number;
  provisioned: number;
  /** The lab's reaper looks every min(250, keepAlive/4) ms, so expiry lands on its next tick; 0 = exact expiry. */
  reapEveryMs?: number;
  /** Where the reaper's ticks fall (ms after the variant's start, modulo the period); 0 when unknown. */
  reapPhaseMs?: number;
}

export interface SimInput {
  policy: SimPolicy;
  /** Arrival times in µs, ascending; Infinity when there are no more. */
  nextArrival(): number;
  warm: Distribution;
  cold: Distribution;
  seed: number;
  /** Averages are taken over [0, horizon]; default: until the last arrival. */
  horizonUs?: number;
  /** Every request's execution on an instance (µs), for cost; the request that triggered a start also carries the start's µs. */
  onExecution?(serviceUs: number, provisioned: boolean, startUs: number): void;
  /** Each instance start called for a request (µs): a replay places them in the run's phases. */
  onStart?(atUs: number): void;
  /** Each answered request: when it arrived and its latency (µs). */
  onAnswer?(arrivalUs: number, latencyUs: number): void;
}

export type { SimResult };

/**
 * A discrete-event simulation of coldlab's own pool (platform/pool.ts), step for step: a warm instance first
 * (the most recently used one), else join a starting instance with room, else start one (cold) below
 * maxInstances, else queue (FIFO, served warm when an instance frees up); idle instances are reaped after
 * keep-alive at the reaper's next tick; provisioned instances are ready before load and never reaped.
 * A cold request takes a cold service time C: the instance is starting for C − w and then serves it for w.
 */
export function simulate(input: SimInput): SimResult {
  const { policy, warm, cold } = input;
  const conc = policy.instanceConcurrency;
  const keepAliveUs = policy.keepAliveMs * 1000;
  const tickUs = (policy.reapEveryMs ?? 0) * 1000;
  const phaseUs = (policy.reapPhaseMs ?? 0) * 1000;
  const random = mulberry32(input.seed);
  const heap = new EventHeap();
  const table = new InstanceTable();
  const latency = new Latencies();
  const acct = new Accounting(input.horizonUs ?? Infinity);
  const queue: number[] = [];
  let queueHead = 0;
  const starting: number[] = [];
  const execute = input.onExecution ?? (() => undefined);

  const expiryOf = (id: number): number => {
    const due = (table.lastUsed[id] ?? 0) + keepAliveUs;
    return tickUs > 0 ? phaseUs + Math.ceil((due - phaseUs) / tickUs) * tickUs : due;
  };
  // Reaps, in time order, every idle instance whose keep-alive ran out by `t`, then accounts up to `t`.
  const advance = (t: number): void => {
    let id = table.head;
    while (id >= 0) {
      const following = table.after(id);
      if ((table.lastUsed[id] ?? 0) + keepAliveUs > t) break;
      const expiry = expiryOf(id);
      if (expiry > t) break;
      if (table.inflight[id] === 0 && !table.provisioned[id]) {
        acct.to(expiry);
        acct.stopped();
        table.release(id);
      }
      id = following;
    }
    acct.to(t);
  };
  const lease = (id: number, now: number, arrival: number, service: number, startUs = 0): void => {
    if (table.inflight[id] === 0 && table.isReady(id)) acct.busy(1);
    table.inflight[id] = (table.inflight[id] ?? 0) + 1;
    if ((table.inflight[id] ?? 0) >= conc) table.unlist(id);
    acct.waited(now - arrival);
    execute(service, table.provisioned[id] === 1, startUs);
    heap.push(now + service, id, arrival);
  };
  const drainInto = (id: number, now: number): void => {
    while ((table.inflight[id] ?? 0) < conc && queueHead < queue.length) {
      lease(id, now, queue[queueHead++] ?? now, warm.sample(random()));
      if (queueHead > 4096 && queueHead * 2 > queue.length) queue.splice(0, queueHead), (queueHead = 0);
    }
  };
  for (let p = 0; p < policy.provisioned; p++) {
    const id = table.allocate(true);
    table.markReady(id, 0);
    table.list(id);
    acct.started(false);
  }

  let arrival = input.nextArrival();
  let lastArrival = 0;
  for (;;) {
    const eventTime = heap.peekTime();
    if (arrival === Infinity && eventTime === Infinity) break;
    if (arrival < eventTime) {
      const t = arrival;
      advance(t);
      acct.arrived();
      lastArrival = t;
      const warmId = table.tail;
      if (warmId >= 0) lease(warmId, t, t, warm.sample(random()));
      else {
        // With one request per instance a starting instance never has room: skip the scan.
        const joinable = conc > 1 ? starting.find((id) => (table.pending[id]?.length ?? conc) < conc) : undefined;
        if (joinable !== undefined) {
          table.pending[joinable]?.push(t);
          acct.coldRequest();
        } else if (acct.alive < policy.maxInstances) {
          const id = table.allocate(false);
          const total = cold.sample(random());
          const serve = Math.min(total, warm.sample(random()));
          table.firstService[id] = serve;
          table.pending[id]?.push(t);
          starting.push(id);
          acct.started(true);
          input.onStart?.(t);
          acct.coldRequest();
          heap.push(t + total - serve, -id - 1, t);
        } else queue.push(t);
      }
      arrival = input.nextArrival();
      if (arrival === Infinity && input.horizonUs === undefined) acct.horizonUs = lastArrival;
      continue;
    }
    const { time: t, instance, arrival: arrivedAt } = heap.top();
    heap.pop();
    advance(t);
    if (instance < 0) {
      // Start finished: the requests that waited for it go first (cold), then the queue (warm), as in pool.onReady.
      const id = -instance - 1;
      starting.splice(starting.indexOf(id), 1);
      table.markReady(id, t);
      acct.ready();
      const waiting = table.pending[id] ?? [];
      // The request that triggered the start carries the start's time, for billing init.
      for (const [k, at] of waiting.entries()) lease(id, t, at, k === 0 ? (table.firstService[id] ?? 0) : warm.sample(random()), k === 0 ? t - at : 0);
      table.pending[id] = [];
      drainInto(id, t);
      if ((table.inflight[id] ?? 0) < conc) table.list(id);
      continue;
    }
    latency.add(t - arrivedAt);
    input.onAnswer?.(arrivedAt, t - arrivedAt);
    table.inflight[instance] = (table.inflight[instance] ?? 1) - 1;
    table.lastUsed[instance] = t;
    if (table.inflight[instance] === 0) acct.busy(-1);
    drainInto(instance, t);
    if ((table.inflight[instance] ?? 0) < conc) table.list(instance);
  }
  if (input.horizonUs !== undefined) advance(input.horizonUs);
  return acct.result(latency);
}
