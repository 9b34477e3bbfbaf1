import type { Instance } from '../runtimes/types.js';
import type { ColdReason, InstanceRecord } from '../results/model.js';
import type { Linked } from './warmList.js';

/** One instance's place in the pool: its state, in-flight count and lifecycle record. */
export class Slot implements Linked<Slot> {
  state: 'starting' | 'ready' | 'stopping' = 'starting';
  instance: Instance | undefined;
  inflight = 0;
  /** When the instance last became idle or was last handed a request (µs), for keep-alive and LIFO choice. */
  lastUsedUs = 0;
  /** Requests waiting for this instance's start (they are cold). */
  readonly pending: { resolve(): void; reject(error: Error): void }[] = [];
  readonly record: InstanceRecord;
  /** Settles when the instance has started (or failed to): requests leased to it while it was accepting wait on it for their tags. */
  readonly started: Promise<void>;
  /** When the instance started (µs), once it has. */
  readyUs: number | undefined;
  private settle: { resolve(): void; reject(error: Error): void } | undefined;
  /** Links in the pool's warm list (platform/warmList.ts). */
  warmPrev: Slot | undefined;
  warmNext: Slot | undefined;
  inWarmList = false;

  constructor(
    readonly id: string,
    readonly provisioned: boolean,
    readonly coldReason: ColdReason | 'provisioned',
    startedAtMs: number,
  ) {
    this.record = { id, provisioned, coldReason, startedAtMs, requests: 0, limitsEnforced: false };
    this.started = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody waits on it unless a request rode the start: a failed start must not be an unhandled rejection.
    this.started.catch(() => undefined);
  }

  /** The instance takes requests before it has started (runtimes/types.ts, onAccepting): they are leased to it, as cold. */
  markAccepting(instance: Instance): void {
    this.instance = instance;
  }

  markReady(instance: Instance, atMs: number, nowUs: number): void {
    this.instance = instance;
    this.state = 'ready';
    this.lastUsedUs = nowUs;
    this.record.readyAtMs = atMs;
    this.record.start = instance.start;
    this.record.limitsEnforced = instance.limitsEnforced;
    this.readyUs = nowUs;
    this.settle?.resolve();
  }

  onRelease(nowUs: number): void {
    this.inflight--;
    this.record.requests++;
    this.lastUsedUs = nowUs;
  }

  /** µs this instance has been idle (0 while busy or not ready). */
  isIdleFor(nowUs: number): number {
    return this.state === 'ready' && this.inflight === 0 ? nowUs - this.lastUsedUs : 0;
  }

  markStopped(atMs: number, reason: NonNullable<InstanceRecord['stopReason']>, error?: string): void {
    this.state = 'stopping';
    this.record.stoppedAtMs = atMs;
    this.record.stopReason = reason;
    if (error) this.record.error = error;
  }

  /** The instance will not start (its start failed, or it was stopped first): what rode the start fails with this. */
  abandon(failure: Error): void {
    this.settle?.reject(failure);
  }
}
