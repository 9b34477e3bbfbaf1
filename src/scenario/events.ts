import { z } from 'zod';

/**
 * Event phases (`kind: events`) and the `events:` block: messages published to a NATS JetStream stream on an
 * open-loop schedule, invoked by coldlab's trigger (a durable pull consumer). The schema.ts file builds its
 * pieces from here with its own duration type, so this file imports nothing of schema.ts at run time.
 */

// JetStream stream and consumer names end up as folder names on the server: no '.', '*', '>', slashes or spaces.
const STREAM_NAME = /^[A-Za-z0-9_-]{1,32}$/;
// A subject to publish on: dot-separated tokens, none empty, no wildcards or spaces.
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,7}$/;

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_MAX_ACK_PENDING = 1_000;
/** The events block's defaults, in one place: the schema's defaults and a scenario without the block use these. */
export const EVENTS_DEFAULTS = { stream: 'COLDLAB', subject: 'coldlab.events', onFailure: 'nak', nakDelay: 0, payloadBytes: 64, drainTimeout: 30_000 } as const;

// A string that must match `pattern`; the message quotes what was written, and the key is put in front of it.
const matching = (pattern: RegExp, what: string, hint: string) =>
  z.string().superRefine((value, ctx) => {
    if (!pattern.test(value)) ctx.addIssue({ code: 'custom', message: `"${value}" is not ${what}`, params: { hint, at: true } });
  });

const streamPrefix = matching(STREAM_NAME, 'a usable JetStream stream name', 'use 1 to 32 letters, digits, "_" or "-" (no ".", "*", ">", "/" or spaces), e.g. ORDERS; coldlab appends the run id')
  .meta({ description: 'Stream name prefix; the stream coldlab creates is <stream>-p<pid>-<run id>-v<variant>' });
const subjectPrefix = matching(SUBJECT, 'a subject coldlab can publish on', 'write up to 8 dot-separated tokens of letters, digits, "_" or "-", without wildcards (* >) or spaces, e.g. orders.created')
  .meta({ description: 'Subject prefix; messages go to <subject>.p<pid>.<run id>.v<variant>' });
const natsUrl = matching(/^(nats|tls):\/\/[^\s/]+$|^[^\s/:]+:\d+$/, 'a NATS server address', 'write nats://host:port, e.g. nats://127.0.0.1:4222, or leave url out to let coldlab start its own server')
  .meta({ description: 'An existing NATS server with JetStream (nats://host:port); absent: coldlab starts nats-server on 127.0.0.1 for the run' });

/** The schema pieces, built with schema.ts's duration field so durations read the same everywhere. */
export function eventsSchemas(duration: (o: { positive: boolean; maxMs: number }) => z.ZodType<number, number | string>, oneOrMany: <T extends z.ZodType>(item: T) => z.ZodType<z.output<T> | Array<z.output<T>>>) {
  const block = z.strictObject({
    url: natsUrl.optional(),
    stream: streamPrefix.default(EVENTS_DEFAULTS.stream),
    subject: subjectPrefix.default(EVENTS_DEFAULTS.subject),
    onFailure: z.enum(['nak', 'term']).default(EVENTS_DEFAULTS.onFailure).meta({ description: 'What the trigger does with a message whose invocation failed: nak (redeliver) or term (give up on it)' }),
    nakDelay: duration({ positive: false, maxMs: 3_600_000 }).default(EVENTS_DEFAULTS.nakDelay).meta({ description: 'How long a nak\'ed message waits before redelivery' }),
    payloadBytes: z.number().int().min(16).max(1_048_576).default(EVENTS_DEFAULTS.payloadBytes).meta({ description: 'Size of each message\'s body, bytes' }),
    drainTimeout: duration({ positive: true, maxMs: 3_600_000 }).default(EVENTS_DEFAULTS.drainTimeout).meta({ description: 'After a phase\'s last publish, how long the trigger gets to finish its messages before the next phase' }),
  });
  return {
    block,
    ackWaitMs: oneOrMany(duration({ positive: true, maxMs: 3_600_000 })).optional().meta({ description: 'Event phases: the trigger consumer\'s ack wait; a cold start longer than this gets the message delivered again' }),
    maxAckPending: oneOrMany(z.number().int().min(1).max(100_000)).optional().meta({ description: 'Event phases: messages the trigger holds unacked at once (its concurrency)' }),
  };
}

/** The events block as parsed: what a variant with event phases carries (copied onto each such variant). */
export type EventsSettings = z.output<ReturnType<typeof eventsSchemas>['block']>;
