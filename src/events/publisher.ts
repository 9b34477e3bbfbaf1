import type { JetStreamClient } from 'nats';
import { headers as natsHeaders } from 'nats';
import type { OpenLoopPhase } from '../load/schedule.js';
import type { OpenLoopRun } from '../load/openLoop.js';
import type { EventsPhaseRecorder } from '../results/eventsRecorder.js';
import { phaseDurationMs, scheduleCursor } from '../load/schedule.js';
import { SendLagRecorder } from '../load/sendLag.js';
import { nowUs, sleep } from '../util/clock.js';
import type { MessageBook } from './messages.js';

export interface PublishOptions {
  js: JetStreamClient;
  subject: string;
  payloadBytes: number;
  book: MessageBook;
  /** Index of this phase among the variant's event phases. */
  phase: number;
  recorder: EventsPhaseRecorder;
  signal: AbortSignal;
  /** How long a publish waits for its PubAck. */
  timeoutMs: number;
}

/** What a publisher did: the HTTP sender's figures, for the same validity rules. */
export type PublishRun = OpenLoopRun;

// Timers are ms-accurate only: a publish due within this is spun for on setImmediate (as the HTTP sender does).
const SPIN_WINDOW_US = 1_500;
const MAX_PER_TURN = 256;

// The body: the message's id, padded to the scenario's size, so a function can read which message it got.
const encoder = new TextEncoder();
function body(id: number, bytes: number): Uint8Array {
  const text = JSON.stringify({ id, pad: '' });
  return encoder.encode(text.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, bytes - text.length))}"`));
}

/**
 * Publishes the phase's schedule open loop: message N leaves at its intended time whether or not earlier
 * PubAcks came back, and every figure of it is measured from that time (wrk2's method, as for requests).
 * Nothing is sent after the phase's scheduled end: a publisher that fell behind shows as `sent` < `scheduled`.
 */
export async function publishSchedule(phase: OpenLoopPhase, o: PublishOptions): Promise<PublishRun> {
  const cursor = scheduleCursor(phase);
  const scheduledMs = phaseDurationMs(phase);
  const lag = new SendLagRecorder(scheduledMs * 1000);
  o.recorder.counts.scheduled += cursor.count;
  const startUs = nowUs();
  const endUs = startUs + scheduledMs * 1000;
  let sent = 0;
  let dueUs = cursor.count > 0 ? startUs + cursor.next() : Infinity;
  const publishOne = (intendedUs: number): void => {
    const record = o.book.add(o.phase, intendedUs);
    const h = natsHeaders();
    h.set('Nats-Msg-Id', String(record.id));
    record.sentUs = nowUs();
    lag.record(intendedUs - startUs, record.sentUs - intendedUs);
    o.js.publish(o.subject, body(record.id, o.payloadBytes), { headers: h, timeout: o.timeoutMs }).then(
      (ack) => {
        record.ackUs = nowUs();
        record.seq = ack.seq;
        o.recorder.counts.published++;
        if (record.answeredUs > 0) o.recorder.lateAck(record);
      },
      () => {
        o.recorder.counts.publishErrors++;
        record.publishFailed = true;
        // Never stored: nothing will deliver it, so it is final now (unless a delivery already made it so).
        if (record.deliveries === 0) o.book.finish(record);
      },
    );
  };
  while (sent < cursor.count && !o.signal.aborted) {
    let now = nowUs();
    if (now > endUs) break;
    for (let turn = 0; turn < MAX_PER_TURN && sent < cursor.count && dueUs <= now; turn++) {
      publishOne(dueUs);
      sent++;
      dueUs = sent < cursor.count ? startUs + cursor.next() : Infinity;
      now = nowUs();
    }
    if (sent >= cursor.count) break;
    const waitUs = dueUs - nowUs();
    if (waitUs > SPIN_WINDOW_US) await sleep((waitUs - 1000) / 1000, o.signal);
    else await new Promise((resolve) => setImmediate(resolve));
  }
  const remainingMs = (endUs - nowUs()) / 1000;
  if (remainingMs > 0) await sleep(remainingMs, o.signal);
  const seconds = scheduledMs / 1000;
  return { scheduled: cursor.count, sent, achievedRate: seconds > 0 ? sent / seconds : 0, sendLag: lag.summary(), durationMs: (nowUs() - startUs) / 1000 };
}
