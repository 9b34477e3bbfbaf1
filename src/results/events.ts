import { z } from 'zod';

/**
 * What a variant's event phases measured (src/events/), as `events` on a variant result: per message, from its
 * intended publish time, the stages it went through, cold and warm apart (cold: its first successful call was
 * served by a cold start); what the trigger did; and the end-of-variant audit of the stream. Built with
 * model.ts's histogram schema (passed in, so this file needs nothing of model.ts); the types derive from it
 * (results/eventsRecorder.ts names them).
 */

/** `toStored + storedToDelivered + deliveredToAnswered = endToEnd`, message by message. */
export const STAGE_NAMES = ['toStored', 'storedToDelivered', 'deliveredToAnswered'] as const;

/** Per phase: messages scheduled, published (PubAck), failed to publish; answered at least once (cold / warm by the
 * first success); deliveries and redeliveries; calls, calls beyond a message's first (by message id), messages
 * called more than once, failed calls; acks, naks, terms. */
export const COUNT_KEYS = ['scheduled', 'published', 'publishErrors', 'answered', 'answeredCold', 'answeredWarm', 'deliveries', 'redeliveries', 'invocations', 'duplicateInvocations', 'duplicateMessages', 'failedInvocations', 'acks', 'naks', 'terms'] as const;

export function eventsResultSchema<H extends z.ZodType>(histogram: H) {
  const count = z.number().int().nonnegative();
  const set = z.object({ all: histogram.exactOptional(), cold: histogram.exactOptional(), warm: histogram.exactOptional() });
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, count])) as Record<(typeof COUNT_KEYS)[number], typeof count>;
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
        stages: z.object({
          /** Intended publish time → PubAck back at the publisher (the publisher's own figure). */
          publishAck: set,
          /** Intended publish time → stored in the stream (the stream's timestamp). */
          toStored: set,
          /** Stored → first delivered to the trigger. */
          storedToDelivered: set,
          /** First delivered → the function's first successful answer (cold start, queueing and redeliveries included). */
          deliveredToAnswered: set,
          /** Intended publish time → the function's first successful answer. */
          endToEnd: set,
        }),
      }),
    ),
    /** Every published sequence checked against coldlab's record, the stream and the consumer once the trigger stopped. */
    audit: z.object({
      published: count,
      /** Answered successfully and acked. */
      answered: count,
      /** Given up on (term) after a failed call, as the scenario asked. */
      terminated: count,
      /** Published but neither answered nor terminated; their stream sequences (the first 50) in lostSeqs. */
      lost: count,
      lostSeqs: z.array(count),
      /** What the consumer still held unacknowledged at the end (ack pending + not yet delivered). */
      unacked: count,
      streamMessages: count,
      lastSeq: count,
      ackFloor: count,
      ok: z.boolean(),
    }),
  });
}
