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
  }

  markReady(instance: Instance, atMs: number, nowUs: number): void {
    this.instance = instance;
    this.state = 'ready';
    this.lastUsedUs = nowUs;
    this.record.readyAtMs = atMs;
    this.record.start = instance.start;
    this.record.limitsEnforced = instance.limitsEnforced;
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
}
