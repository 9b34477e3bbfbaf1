import type { JetStreamManager } from 'nats';
import type { EventsAudit } from '../results/eventsRecorder.js';
import type { MessageBook } from './messages.js';
import { sleep } from '../util/clock.js';

const LISTED = 50;
const ACK_SETTLE_TRIES = 20;
const ACK_SETTLE_MS = 50;

/**
 * Checks every published sequence once the trigger stopped: against coldlab's own record (answered, or
 * terminated as the scenario asked) and against the stream and consumer (all stored, none left unacked).
 * A message published and neither answered nor terminated is lost, whatever the server says.
 */
export async function auditStream(jsm: JetStreamManager, stream: string, consumer: string, book: MessageBook): Promise<EventsAudit> {
  const published = book.all().filter((m) => m.seq > 0 || (m.deliveries > 0 && !m.publishFailed));
  const lostSeqs: number[] = [];
  let answered = 0;
  let terminated = 0;
  let lost = 0;
  for (const m of published) {
    if (m.answeredUs > 0) answered++;
    else if (m.terminated) terminated++;
    else {
      lost++;
      if (lostSeqs.length < LISTED) lostSeqs.push(m.seq);
    }
  }
  const streamInfo = await jsm.streams.info(stream);
  // Acks are processed by the server after they arrive: a last one may need a moment to show in the consumer's state.
  let consumerInfo = await jsm.consumers.info(stream, consumer);
  for (let i = 0; i < ACK_SETTLE_TRIES && consumerInfo.num_ack_pending + consumerInfo.num_pending > 0 && lost === 0; i++) {
    await sleep(ACK_SETTLE_MS);
    consumerInfo = await jsm.consumers.info(stream, consumer);
  }
  const unacked = consumerInfo.num_ack_pending + consumerInfo.num_pending;
  const streamMessages = streamInfo.state.messages;
  const lastSeq = streamInfo.state.last_seq;
  const ackFloor = consumerInfo.ack_floor.stream_seq;
  // Every PubAck'd sequence must still be in the stream, and the consumer must have acked up to the last one.
  const stored = published.every((m) => m.seq === 0 || (m.seq >= streamInfo.state.first_seq && m.seq <= lastSeq)) && streamMessages >= published.length;
  return { published: published.length, answered, terminated, lost, lostSeqs, unacked, streamMessages, lastSeq, ackFloor, ok: lost === 0 && unacked === 0 && stored && ackFloor >= lastSeq };
}

/** Why an audit makes the variant invalid, in words (empty when it passed). */
export function auditReasons(audit: EventsAudit): string[] {
  const reasons: string[] = [];
  if (audit.lost > 0) {
    const listed = audit.lostSeqs.join(', ') + (audit.lost > audit.lostSeqs.length ? ', …' : '');
    reasons.push(`events: ${audit.lost} of ${audit.published} published messages were lost (never answered nor terminated): stream sequence ${listed}`);
  }
  if (audit.unacked > 0) reasons.push(`events: ${audit.unacked} message(s) left unacknowledged on the consumer at the end`);
  if (audit.lost === 0 && audit.unacked === 0 && audit.ackFloor < audit.lastSeq) reasons.push(`events: the consumer's ack floor (${audit.ackFloor}) is behind the stream's last sequence (${audit.lastSeq})`);
  if (audit.streamMessages < audit.published) reasons.push(`events: the stream holds ${audit.streamMessages} messages of ${audit.published} published`);
  return reasons;
}
