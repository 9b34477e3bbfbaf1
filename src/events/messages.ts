import type { MessageTimes } from '../results/eventsRecorder.js';

/** Everything coldlab knows about one message of a variant, by its id (the Nats-Msg-Id header, a number). */
export interface MessageRecord extends MessageTimes {
  id: number;
  /** Index of its phase among the variant's event phases. */
  phase: number;
  /** When the publish left (µs); 0 until then. */
  sentUs: number;
  /** Its stream sequence from the PubAck; 0 until then. */
  seq: number;
  deliveries: number;
  invocations: number;
  /** Final: answered, terminated after a failure, or never stored (publish failed). */
  final: boolean;
  terminated: boolean;
  publishFailed: boolean;
}

/**
 * The variant's messages in publish order. Publisher and trigger run in one process and meet here: the
 * trigger finds a delivered message's intended publish time by its id, even when the delivery beats the PubAck.
 */
export class MessageBook {
  private readonly records: MessageRecord[] = [];
  private readonly open = new Map<number, number>();
  private readonly waiters = new Set<() => void>();

  add(phase: number, intendedUs: number): MessageRecord {
    const record: MessageRecord = { id: this.records.length + 1, phase, intendedUs, sentUs: 0, ackUs: 0, seq: 0, storedUs: 0, deliveredUs: 0, answeredUs: 0, deliveries: 0, invocations: 0, final: false, terminated: false, publishFailed: false };
    this.records.push(record);
    this.open.set(phase, (this.open.get(phase) ?? 0) + 1);
    return record;
  }

  get(id: number): MessageRecord | undefined {
    return this.records[id - 1];
  }

  all(): readonly MessageRecord[] {
    return this.records;
  }

  /** Marks a message done for good (once); wakes whoever waits for its phase to drain. */
  finish(record: MessageRecord): void {
    if (record.final) return;
    record.final = true;
    this.open.set(record.phase, (this.open.get(record.phase) ?? 1) - 1);
    for (const wake of [...this.waiters]) wake();
  }

  /** Messages of `phase` (all phases when undefined) not yet final. */
  openCount(phase?: number): number {
    if (phase !== undefined) return this.open.get(phase) ?? 0;
    let total = 0;
    for (const n of this.open.values()) total += n;
    return total;
  }

  /** Resolves once every message of `phase` (or of all phases) is final, or after `ms`, or on abort. */
  drained(phase: number | undefined, ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        const done = this.openCount(phase) === 0;
        if (!done && !signal?.aborted) return;
        finish(done);
      };
      const finish = (done: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', check);
        resolve(done);
      };
      const timer = setTimeout(() => finish(this.openCount(phase) === 0), ms);
      this.waiters.add(check);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }
}
