import { AckPolicy, DeliverPolicy, nanos, RetentionPolicy, StorageType } from 'nats';
import type { Phase } from '../scenario/schema.js';
import type { Variant } from '../scenario/variant.js';
import type { PhaseResult } from '../results/model.js';
import type { EventsData } from '../results/eventsRecorder.js';
import type { Timeline } from '../results/timeline.js';
import { PhaseRecorder, type Outcome } from '../results/recorder.js';
import { EventsPhaseRecorder } from '../results/eventsRecorder.js';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_ACK_PENDING, EVENTS_DEFAULTS, type EventsSettings } from '../scenario/events.js';
import { targetRate } from '../load/schedule.js';
import type { EventBus } from './bus.js';
import { eventNames, type EventNames } from './names.js';
import { MessageBook } from './messages.js';
import { publishSchedule } from './publisher.js';
import { Trigger } from './trigger.js';
import { auditReasons, auditStream } from './audit.js';

type EventsPhase = Extract<Phase, { kind: 'events' }>;

export interface EventsSessionOptions {
  bus: EventBus;
  runId: string;
  /** The variant's place in the run: part of the stream's name. */
  variantIndex: number;
  variant: Variant;
  gatewayUrl: string;
  signal: AbortSignal;
  onOutcome?(outcome: Outcome): void;
}

export interface PhaseContext {
  startMs: number;
  timeline: Timeline;
}

/**
 * One variant's event phases: its own stream and durable consumer (named after the run), the trigger that
 * drains them through the gateway, a publisher per phase, and at the end the audit and the clean-up.
 */
export class EventsSession {
  readonly names: EventNames;
  private readonly book = new MessageBook();
  private readonly recorders: EventsPhaseRecorder[] = [];
  private readonly phaseRecorders: Array<{ recorder: PhaseRecorder; timeline: Timeline }> = [];
  private trigger: Trigger | undefined;
  private readonly settings: EventsSettings;
  private readonly ackWaitMs: number;
  private readonly maxAckPending: number;

  private constructor(private readonly o: EventsSessionOptions) {
    this.settings = o.variant.events ?? { ...EVENTS_DEFAULTS };
    this.ackWaitMs = o.variant.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.maxAckPending = o.variant.maxAckPending ?? DEFAULT_MAX_ACK_PENDING;
    this.names = eventNames(this.settings, o.runId, o.variantIndex);
  }

  /** Creates the stream and the durable consumer, then starts the trigger on them. */
  static async open(o: EventsSessionOptions): Promise<EventsSession> {
    const session = new EventsSession(o);
    const { stream, consumer, subject } = session.names;
    await o.bus.jsm.streams.add({ name: stream, subjects: [subject], retention: RetentionPolicy.Limits, storage: StorageType.File });
    try {
      await o.bus.jsm.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(session.ackWaitMs), max_ack_pending: session.maxAckPending });
      await session.startTrigger();
    } catch (error) {
      await session.dispose();
      throw error;
    }
    return session;
  }

  /** Starts a trigger on the durable consumer: at open, and again after `killTrigger` (a restarted connector). */
  async startTrigger(): Promise<void> {
    const { stream, consumer, subject } = this.names;
    this.trigger = await Trigger.start({
      natsUrl: this.o.bus.url,
      stream,
      consumer,
      subject,
      gatewayUrl: this.o.gatewayUrl,
      timeoutMs: this.o.variant.requestTimeoutMs,
      maxAckPending: this.maxAckPending,
      onFailure: this.settings.onFailure,
      nakDelayMs: this.settings.nakDelay,
      book: this.book,
      recorderFor: (phase) => this.recorders[phase] ?? new EventsPhaseRecorder('unknown'),
      onOutcome: (outcome, phase) => {
        const sink = this.phaseRecorders[phase];
        sink?.recorder.record(outcome);
        sink?.timeline.onOutcome(outcome);
        this.o.onOutcome?.(outcome);
      },
    });
  }

  /** Kills the trigger as a crash would (unacked messages stay with the server); `startTrigger` resumes. */
  async killTrigger(): Promise<void> {
    await this.trigger?.kill();
    this.trigger = undefined;
  }

  /** Publishes one phase's schedule, then gives the trigger up to drainTimeout to finish its messages. */
  async runPhase(phase: EventsPhase, name: string, ctx: PhaseContext): Promise<PhaseResult> {
    const index = this.recorders.length;
    const events = new EventsPhaseRecorder(name);
    this.recorders.push(events);
    const rate = targetRate(phase);
    const recorder = new PhaseRecorder({ name, kind: 'events', loop: 'open', startMs: ctx.startMs, ...(rate !== undefined ? { targetRate: rate } : {}) });
    this.phaseRecorders.push({ recorder, timeline: ctx.timeline });
    const js = this.o.bus.nc.jetstream();
    const run = await publishSchedule(phase.publish, { js, subject: this.names.subject, payloadBytes: this.settings.payloadBytes, book: this.book, phase: index, recorder: events, signal: this.o.signal, timeoutMs: this.o.variant.requestTimeoutMs });
    await this.book.drained(index, this.settings.drainTimeout, this.o.signal);
    return recorder.finish({ durationMs: run.durationMs, scheduled: run.scheduled, sent: run.sent, achievedRate: run.achievedRate, sendLag: run.sendLag });
  }

  /** Waits for what is left, stops the trigger, audits the stream, removes it; the variant's `events` and why it is invalid. */
  async finish(): Promise<{ result: EventsData; invalidReasons: string[] }> {
    await this.book.drained(undefined, this.settings.drainTimeout, this.o.signal);
    await this.trigger?.stop();
    this.trigger = undefined;
    const audit = await auditStream(this.o.bus.jsm, this.names.stream, this.names.consumer, this.book);
    for (const m of this.book.all()) if (m.answeredUs === 0) this.recorders[m.phase]?.unanswered(m);
    await this.dispose();
    const bus = this.o.bus;
    const result: EventsData = {
      server: { url: bus.url, own: bus.own, ...(bus.version ? { version: bus.version } : {}) },
      ...this.names,
      ackWaitMs: this.ackWaitMs,
      maxAckPending: this.maxAckPending,
      onFailure: this.settings.onFailure,
      phases: this.recorders.map((r) => r.finish()),
      audit,
    };
    return { result, invalidReasons: auditReasons(audit) };
  }

  /** Stops the trigger and deletes the stream (and its consumer); safe to call twice. */
  async dispose(): Promise<void> {
    await this.trigger?.kill();
    this.trigger = undefined;
    await this.o.bus.jsm.streams.delete(this.names.stream).catch(() => undefined);
  }
}
