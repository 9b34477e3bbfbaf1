import type { EventsSettings } from '../scenario/events.js';

/**
 * Names of what coldlab creates on a NATS server. Each carries the owner's pid and the run id, so two runs
 * (or two coldlabs) on one server never share a stream, and the leftover sweep can tell a live run's streams
 * from those of a coldlab that crashed: <stream>-p<pid>-<run id>-v<n>, consumer coldlab-trigger-v<n>.
 */
export interface EventNames {
  stream: string;
  consumer: string;
  subject: string;
}

// Run ids are made of [a-z0-9-] (lab/run.ts makeRunId); anything else becomes "-" so a name stays valid.
const token = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '-');

export function eventNames(settings: Pick<EventsSettings, 'stream' | 'subject'>, runId: string, variantIndex: number, pid = process.pid): EventNames {
  const run = token(runId);
  return {
    stream: `${settings.stream}-p${pid}-${run}-v${variantIndex}`,
    consumer: `coldlab-trigger-v${variantIndex}`,
    subject: `${settings.subject}.p${pid}.${run}.v${variantIndex}`,
  };
}

/** The owner pid a coldlab stream name carries, or undefined for streams coldlab did not make. */
export function streamOwner(name: string): number | undefined {
  const match = /-p(\d+)-[A-Za-z0-9_-]+-v\d+$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
