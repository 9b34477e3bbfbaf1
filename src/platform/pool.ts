import type { Instance } from '../runtimes/types.js';
import type { ColdReason, InstanceRecord } from '../results/model.js';
import { nowUs } from '../util/clock.js';
import { ColdlabError, errorMessage } from '../util/errors.js';
import { ColdStartClassifier } from './coldReason.js';
import { Slot } from './slot.js';
import { WarmList } from './warmList.js';

/** How often the keep-alive reaper looks: fine enough that expiry is never late by more than a quarter of keep-alive (the what-if replay uses it too). */
export const reapEveryMs = (keepAliveMs: number): number => Math.max(10, Math.min(250, keepAliveMs / 4));

export interface PoolOptions {
  maxInstances: number;
  instanceConcurrency: number;
  keepAliveMs: number;
  provisioned: number;
  /** Resolves once the instance has started; a runtime whose instances take requests earlier calls onAccepting first. */
  startInstance(instanceId: string, signal: AbortSignal, onAccepting: (instance: Instance) => void): Promise<Instance>;
  /** Monotonic µs clock; injectable so policy tests need no real time. */
  clock?: () => number;
  /** µs on that clock that instance records count from (default: the pool's creation); the lab passes the variant's start so records line up with phases. */
  originUs?: number;
}

/** What a request holds while it runs on an instance. */
export interface Lease {
  instance: Instance;
  startKind: 'cold' | 'warm';
  coldReason?: ColdReason;
  /** µs from acquire() until an instance took the request (includes the start for a cold request); for one that rode the start, known once `started` settles. */
  readonly queueUs: number;
  /** Only for a request leased to an instance still starting (it rode the start): settles when the instance has started, rejects with why it did not. */
  started?: Promise<void>;
  release(): void;
}

interface Waiter {
  enqueuedUs: number;
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

/**
 * The FaaS platform's scheduling policy: warm instance first, else start one (cold) up to maxInstances,
 * else queue. A request that triggered or joined a start waits for that instance and is cold.
 */
export class Pool {
  private readonly slots = new Map<string, Slot>();
  /** Ready slots with a free concurrency slot, most recently used first. */
  private readonly warm = new WarmList<Slot>();
  private readonly queue: Waiter[] = [];
  private readonly retired: InstanceRecord[] = [];
  private readonly classifier = new ColdStartClassifier();
  private readonly clock: () => number;
  private readonly originUs: number;
  private readonly shutdown = new AbortController();
  private nextId = 1;
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    this.clock = options.clock ?? nowUs;
    this.originUs = options.originUs ?? this.clock();
  }

  /** Starts the provisioned instances and resolves once all answer (they are never reaped). */
  async startProvisioned(): Promise<void> {
    const starts: Promise<void>[] = [];
    for (let i = 0; i < this.options.provisioned; i++) starts.push(this.launch(true, 'provisioned').ready);
    await Promise.all(starts);
  }

  /** A warm instance's lease at once, or undefined when the request would wait (then call acquire). */
  tryAcquireWarm(): Lease | undefined {
    if (this.closing) return undefined;
    const warm = this.pickWarm();
    return warm ? this.lease(warm, 'warm', undefined, this.clock()) : undefined;
  }

  acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closing) return Promise.reject(new ColdlabError('POOL_CLOSED', 'the platform is shutting down', 'the run is ending'));
    const now = this.clock();
    const warm = this.pickWarm();
    if (warm) return Promise.resolve(this.lease(warm, 'warm', undefined, now));
    const starting = [...this.slots.values()].find((s) => s.state === 'starting' && s.pending.length + s.inflight < this.options.instanceConcurrency);
    if (starting) return this.waitForStart(starting, now);
    if (this.aliveCount() < this.options.maxInstances) {
      const reason = this.classifier.classify(this.aliveCount());
      return this.waitForStart(this.launch(false, reason).slot, now);
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { enqueuedUs: now, resolve, reject };
      this.queue.push(waiter);
      signal?.addEventListener('abort', () => this.dropWaiter(waiter), { once: true });
    });
  }

  /** Stops instances idle longer than keep-alive (provisioned ones never); call it on a timer. */
  reap(): void {
    const now = this.clock();
    for (const slot of this.slots.values()) {
      if (slot.isIdleFor(now) >= this.options.keepAliveMs * 1000 && !slot.provisioned) {
        this.classifier.onReaped();
        void this.retire(slot, 'keepalive');
      }
    }
  }

  stats(): { alive: number; busy: number; starting: number; queued: number } {
    const slots = [...this.slots.values()];
    return {
      alive: slots.filter((s) => s.state === 'ready').length,
      busy: slots.filter((s) => s.state === 'ready' && s.inflight > 0).length,
      starting: slots.filter((s) => s.state === 'starting').length,
      queued: this.queue.length,
    };
  }

  /** Instances alive now, for samplers. */
  instances(): Instance[] {
    return [...this.slots.values()].flatMap((s) => (s.instance ? [s.instance] : []));
  }

  /** Lifecycle of every instance this pool started, times relative to the pool's creation. */
  records(): InstanceRecord[] {
    return [...this.retired, ...[...this.slots.values()].map((s) => s.record)].sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  /** Stops everything; queued requests fail. */
  async close(reason: 'end-of-variant' | 'interrupted' = 'end-of-variant'): Promise<void> {
    this.closing = true;
    this.shutdown.abort();
    for (const waiter of this.queue.splice(0)) waiter.reject(new ColdlabError('POOL_CLOSED', 'the platform shut down before an instance was free', 'the run is ending'));
    await Promise.all([...this.slots.values()].map((s) => this.retire(s, reason)));
  }

  // Prefer the most recently used instance so the others can go idle and be reaped, as Lambda does.
  private pickWarm(): Slot | undefined {
    return this.warm.first();
  }

  private aliveCount(): number {
    return [...this.slots.values()].filter((s) => s.state !== 'stopping').length;
  }

  private waitForStart(slot: Slot, acquiredUs: number): Promise<Lease> {
    // An instance that takes requests while it starts gets this one now: it waits inside the sandbox.
    if (slot.instance) return Promise.resolve(this.lease(slot, 'cold', slot.coldReason === 'provisioned' ? undefined : slot.coldReason, acquiredUs));
    return new Promise<Lease>((resolve, reject) => {
      slot.pending.push({
        resolve: () => resolve(this.lease(slot, 'cold', slot.coldReason === 'provisioned' ? undefined : slot.coldReason, acquiredUs)),
        reject,
      });
    });
  }

  private launch(provisioned: boolean, reason: ColdReason | 'provisioned'): { slot: Slot; ready: Promise<void> } {
    const id = `i${this.nextId++}`;
    const slot = new Slot(id, provisioned, reason, this.msSinceOrigin());
    this.slots.set(id, slot);
    this.classifier.onStarted(this.aliveCount());
    const ready = this.options.startInstance(id, this.shutdown.signal, (instance) => this.onAccepting(slot, instance)).then(
      (instance) => this.onReady(slot, instance),
      (error: unknown) => this.onStartFailed(slot, error),
    );
    return { slot, ready };
  }

  // The requests waiting for this start go to the instance now; the slot stays 'starting' (no warm request is sent to it) until it has started.
  private onAccepting(slot: Slot, instance: Instance): void {
    if (this.closing || slot.state !== 'starting') return;
    slot.markAccepting(instance);
    for (const pending of slot.pending.splice(0)) pending.resolve();
  }

  private onReady(slot: Slot, instance: Instance): void {
    if (this.closing || slot.state === 'stopping') {
      void instance.stop();
      return;
    }
    slot.markReady(instance, this.msSinceOrigin(), this.clock());
    // Requests that rode the start may hold every concurrency slot already.
    if (slot.inflight < this.options.instanceConcurrency) this.warm.toFront(slot);
    void instance.exited.then((exit) => {
      if (slot.state === 'stopping') return;
      this.forget(slot, exit.reason === 'oom-killed' ? 'oom-killed' : 'crashed', exit.detail ? new Error(exit.detail) : undefined);
      // A provisioned instance that died is replaced so the warm pool keeps its size.
      if (slot.provisioned && !this.closing) this.launch(true, 'provisioned').ready.catch(() => undefined);
    });
    for (const pending of slot.pending.splice(0)) pending.resolve();
    this.drainQueueInto(slot);
  }

  private onStartFailed(slot: Slot, error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.forget(slot, 'start-failed', failure);
    if (slot.provisioned) throw failure;
  }

  private lease(slot: Slot, startKind: 'cold' | 'warm', coldReason: ColdReason | undefined, acquiredUs: number): Lease {
    slot.inflight++;
    if (slot.inflight >= this.options.instanceConcurrency) this.warm.remove(slot);
    const instance = slot.instance;
    if (!instance) throw new Error(`slot ${slot.id} leased before it was ready`);
    let released = false;
    const leasedUs = this.clock();
    // A request that rode the start waited for the instance until it had started, as one sent after the start does.
    const rode = slot.state === 'starting';
    return {
      instance,
      startKind,
      ...(coldReason ? { coldReason } : {}),
      get queueUs() {
        return (rode ? (slot.readyUs ?? leasedUs) : leasedUs) - acquiredUs;
      },
      ...(rode ? { started: slot.started } : {}),
      release: () => {
        if (released) return;
        released = true;
        slot.onRelease(this.clock());
        if (slot.state !== 'ready') return;
        this.warm.toFront(slot);
        this.drainQueueInto(slot);
      },
    };
  }

  private drainQueueInto(slot: Slot): void {
    while (slot.state === 'ready' && slot.inflight < this.options.instanceConcurrency) {
      const waiter = this.queue.shift();
      if (!waiter) return;
      waiter.resolve(this.lease(slot, 'warm', undefined, waiter.enqueuedUs));
    }
  }

  private dropWaiter(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index >= 0) {
      this.queue.splice(index, 1);
      waiter.reject(new ColdlabError('QUEUE_TIMEOUT', 'the request gave up while queued for an instance', 'raise maxInstances or instanceConcurrency'));
    }
  }

  private async retire(slot: Slot, reason: NonNullable<InstanceRecord['stopReason']>): Promise<void> {
    if (slot.state === 'stopping') return;
    const instance = slot.instance;
    this.forget(slot, reason);
    if (instance) await instance.stop();
  }

  private forget(slot: Slot, reason: NonNullable<InstanceRecord['stopReason']>, error?: Error): void {
    slot.markStopped(this.msSinceOrigin(), reason, error ? errorMessage(error) : undefined);
    this.warm.remove(slot);
    const failure = error ?? new ColdlabError('POOL_CLOSED', `instance ${slot.id} stopped (${reason}) before it served`, 'the run is ending');
    slot.abandon(failure);
    for (const pending of slot.pending.splice(0)) pending.reject(failure);
    this.slots.delete(slot.id);
    this.retired.push(slot.record);
  }

  private msSinceOrigin(): number {
    return (this.clock() - this.originUs) / 1000;
  }
}
