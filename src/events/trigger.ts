import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import type { Outcome } from '../results/recorder.js';
import type { EventsPhaseRecorder } from '../results/eventsRecorder.js';
import type { Verdict } from '../load/classify.js';
import { nowUs } from '../util/clock.js';
import { connectNats } from './bus.js';
import { Invoker } from './invoke.js';
import type { MessageBook, MessageRecord } from './messages.js';

export interface TriggerOptions {
  natsUrl: string;
  stream: string;
  consumer: string;
  subject: string;
  gatewayUrl: string;
  timeoutMs: number;
  maxAckPending: number;
  onFailure: 'nak' | 'term';
  nakDelayMs: number;
  book: MessageBook;
  recorderFor(phase: number): EventsPhaseRecorder;
  /** Each message's first successful answer, and each failed invocation, as a request outcome (timeline, phase figures). */
  onOutcome(outcome: Outcome, phase: number): void;
}

// The stream stamps each message with wall time (ns); ours is monotonic. The offset, taken once, maps one onto the other.
const wallOffsetUs = (): number => (performance.timeOrigin + performance.now()) * 1000 - nowUs();

/**
 * coldlab's trigger, the connector a platform runs in front of its functions: a durable pull consumer on its
 * own NATS connection that calls the function through the gateway for every delivery, acks on success and
 * naks or terminates on failure. At most maxAckPending messages are unacked at once (the server holds the rest).
 */
export class Trigger {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly offsetUs = wallOffsetUs();
  private killed = false;

  private constructor(
    private readonly o: TriggerOptions,
    private readonly nc: NatsConnection,
    private readonly messages: ConsumerMessages,
    private readonly invoker: Invoker,
  ) {}

  static async start(o: TriggerOptions): Promise<Trigger> {
    const { nc } = await connectNats(o.natsUrl, 'coldlab-trigger');
    const consumer = await nc.jetstream().consumers.get(o.stream, o.consumer);
    const invoker = new Invoker(o.gatewayUrl, o.subject, o.timeoutMs);
    let trigger: Trigger | undefined;
    const pending: JsMsg[] = [];
    const messages = await consumer.consume({
      max_messages: Math.min(o.maxAckPending, 1_000),
      callback: (msg) => (trigger ? trigger.deliver(msg) : pending.push(msg)),
    });
    trigger = new Trigger(o, nc, messages, invoker);
    for (const msg of pending) trigger.deliver(msg);
    return trigger;
  }

  /** Stops pulling, lets calls in flight finish (their acks sent), then closes its connection. */
  async stop(): Promise<void> {
    this.messages.stop();
    await Promise.allSettled([...this.inFlight]);
    await this.nc.flush().catch(() => undefined);
    await this.nc.close().catch(() => undefined);
    await this.invoker.close();
  }

  /** As if its process were killed: the connection goes now, and answers still to come are never acked. */
  async kill(): Promise<void> {
    this.killed = true;
    await this.nc.close().catch(() => undefined);
    await this.invoker.close();
  }

  private deliver(msg: JsMsg): void {
    const deliveredUs = nowUs();
    const id = Number(msg.headers?.get('Nats-Msg-Id'));
    const record = this.o.book.get(id);
    if (!record) {
      // Not one of this variant's messages (cannot happen on a stream of its own): acked so it does not come back.
      msg.ack();
      return;
    }
    const counts = this.o.recorderFor(record.phase).counts;
    counts.deliveries++;
    if (msg.info.redeliveryCount > 1) counts.redeliveries++;
    if (record.deliveries++ === 0) {
      record.deliveredUs = deliveredUs;
      record.storedUs = msg.info.timestampNanos / 1000 - this.offsetUs;
    }
    // A message already answered or terminated is not called again: what a careful connector does with a late redelivery.
    if (record.answeredUs > 0 || record.terminated) {
      msg.ack();
      counts.acks++;
      return;
    }
    if (record.invocations > 0) {
      counts.duplicateInvocations++;
      if (record.invocations === 1) counts.duplicateMessages++;
    }
    record.invocations++;
    counts.invocations++;
    const call = this.invoker.invoke(String(id), msg.data).then((verdict) => this.answered(msg, record, verdict));
    this.inFlight.add(call);
    void call.finally(() => this.inFlight.delete(call));
  }

  private answered(msg: JsMsg, record: MessageRecord, verdict: Verdict): void {
    if (this.killed) return;
    const endUs = nowUs();
    const recorder = this.o.recorderFor(record.phase);
    const counts = recorder.counts;
    const tags = verdict.tags;
    const outcome: Outcome = { intendedUs: record.intendedUs, sentUs: record.sentUs || record.intendedUs, endUs, ok: verdict.ok, status: verdict.status, ...(verdict.errorKind ? { errorKind: verdict.errorKind } : {}), ...(tags ? { tags } : {}) };
    if (verdict.ok) {
      msg.ack();
      counts.acks++;
      if (record.answeredUs > 0) return;
      record.answeredUs = endUs;
      record.start = tags?.startKind;
      recorder.answered(record);
      this.o.onOutcome(outcome, record.phase);
      this.o.book.finish(record);
      return;
    }
    counts.failedInvocations++;
    this.o.onOutcome(outcome, record.phase);
    if (record.answeredUs > 0) return msg.ack();
    if (this.o.onFailure === 'term') {
      msg.term();
      counts.terms++;
      record.terminated = true;
      this.o.book.finish(record);
    } else {
      msg.nak(this.o.nakDelayMs);
      counts.naks++;
    }
  }
}
