import { z } from 'zod';

/**
 * What a variant's event phases measured (src/events/): per message, from its intended publish time, the
 * stages it went through, cold and warm apart; what the trigger did; and the end-of-variant audit of the
 * stream. Kept out of model.ts so the request path's shape stays as it was; a variant carries it as `events`.
 */

/** One stage's HDR histogram (µs): every message, and those answered by a cold start or a warm instance. */
export interface StageHistograms<H> {
  all?: H;
  cold?: H;
  warm?: H;
}

/** The stages of one message. `toStored + storedToDelivered + deliveredToAnswered = endToEnd`, message by message. */
export interface EventStages<H> {
  /** Intended publish time → PubAck back at the publisher (the publisher's own figure, coordinated-omission correct). */
  publishAck: StageHistograms<H>;
  /** Intended publish time → stored in the stream (the stream's timestamp). */
  toStored: StageHistograms<H>;
  /** Stored → first delivered to the trigger. */
  storedToDelivered: StageHistograms<H>;
  /** First delivered → the function's successful answer (includes cold starts, queueing and redeliveries). */
  deliveredToAnswered: StageHistograms<H>;
  /** Intended publish time → the function's successful answer. */
  endToEnd: StageHistograms<H>;
}

export const STAGE_NAMES = ['toStored', 'storedToDelivered', 'deliveredToAnswered'] as const;

export interface EventCounts {
  /** Messages the schedule held. */
  scheduled: number;
  /** Messages the stream acknowledged (PubAck). */
  published: number;
  publishErrors: number;
  /** Messages the function answered successfully at least once (cold / warm: how the first success was served). */
  answered: number;
  answeredCold: number;
  answeredWarm: number;
  /** Deliveries to the trigger, first ones and redeliveries. */
  deliveries: number;
  redeliveries: number;
  /** Calls to the function, and those beyond the first for a message id (the function ran twice). */
  invocations: number;
  duplicateInvocations: number;
  /** Messages whose function ran more than once. */
  duplicateMessages: number;
  failedInvocations: number;
  acks: number;
  naks: number;
  terms: number;
}

export interface EventsPhaseResult<H> extends EventCounts {
  name: string;
  stages: EventStages<H>;
}

/** Every published sequence checked against the stream and the consumer once the variant's trigger stopped. */
export interface EventsAudit {
  published: number;
  /** Answered successfully and acked. */
  answered: number;
  /** Given up on (term) after a failed invocation, as the scenario asked. */
  terminated: number;
  /** Published but never answered nor terminated: lost. Their stream sequences (the first 50) in lostSeqs. */
  lost: number;
  lostSeqs: number[];
  /** What the consumer still held unacknowledged at the end (ack pending + not yet delivered). */
  unacked: number;
  streamMessages: number;
  lastSeq: number;
  ackFloor: number;
  ok: boolean;
}

/** H is the histogram type (model.ts's HistogramData): a parameter, so this file needs nothing of model.ts. */
export interface EventsResult<H> {
  server: { url: string; own: boolean; version?: string };
  stream: string;
  consumer: string;
  subject: string;
  ackWaitMs: number;
  maxAckPending: number;
  onFailure: 'nak' | 'term';
  phases: Array<EventsPhaseResult<H>>;
  audit: EventsAudit;
}

/** The zod shape of `events` in results.json, built with schema.ts's histogram check (no run-time import cycle). */
export function eventsResultSchema<H>(histogram: z.ZodType<H>) {
  const count = z.number().int().nonnegative();
  const set = z.object({ all: histogram.exactOptional(), cold: histogram.exactOptional(), warm: histogram.exactOptional() });
  const counts = Object.fromEntries(
    (['scheduled', 'published', 'publishErrors', 'answered', 'answeredCold', 'answeredWarm', 'deliveries', 'redeliveries', 'invocations', 'duplicateInvocations', 'duplicateMessages', 'failedInvocations', 'acks', 'naks', 'terms'] as const).map((k) => [k, count]),
  ) as Record<keyof EventCounts, typeof count>;
  return z.object({
    server: z.object({ url: z.string(), own: z.boolean(), version: z.string().exactOptional() }),
    stream: z.string(),
    consumer: z.string(),
    subject: z.string(),
    ackWaitMs: z.number().nonnegative(),
    maxAckPending: count,
    onFailure: z.enum(['nak', 'term']),
    phases: z.array(
      z.object({
        name: z.string(),
        ...counts,
        stages: z.object({ publishAck: set, toStored: set, storedToDelivered: set, deliveredToAnswered: set, endToEnd: set }),
      }),
    ),
    audit: z.object({
      published: count,
      answered: count,
      terminated: count,
      lost: count,
      lostSeqs: z.array(count),
      unacked: count,
      streamMessages: count,
      lastSeq: count,
      ackFloor: count,
      ok: z.boolean(),
    }),
  });
}
