import type { Outcome } from '../results/recorder.js';
import type { SendLag } from '../results/model.js';
import { nowUs, sleep } from '../util/clock.js';
import { poolFor } from './agents.js';
import { RequestSender } from './httpSend.js';
import { phaseDurationMs, scheduleCursor, type OpenLoopPhase, type ScheduleCursor } from './schedule.js';
import { SendLagRecorder } from './sendLag.js';
import { warmUpSender } from './warmup.js';

export interface SenderOptions {
  url: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutcome(o: Outcome): void;
}

export interface OpenLoopRun {
  /** Requests in the schedule. */
  scheduled: number;
  sent: number;
  /** Requests actually sent divided by the phase's scheduled duration. */
  achievedRate: number;
  sendLag: SendLag;
  /** Wall time from the phase start until its last request ended. */
  durationMs: number;
}

// Timers are only ms-accurate: a request further off than this is slept towards (until ~1 ms before it), a closer one is spun for on setImmediate.
const SPIN_WINDOW_US = 1_500;
// Let responses be processed between sends even when a big burst (or a backlog) is due at once.
const MAX_SENDS_PER_TURN = 256;
// After an abort, in-flight requests get this long to finish before they are cut off.
const ABORT_GRACE_MS = 1_000;

/**
 * wrk2's method: request N is due at phaseStart + offset[N] whether or not earlier ones have answered,
 * and its latency is measured from that due time. Sending stops at the scheduled end of the phase: a
 * request the sender could not get out in time is not sent late, because sending the backlog after the
 * phase would report the intended load as achieved when it was not. So `sent` falls short, the achieved
 * rate (sent / scheduled duration) shows it, and the recorder marks the phase invalid.
 */
export async function runOpenLoop(phase: OpenLoopPhase, options: SenderOptions): Promise<OpenLoopRun> {
  const cursor = scheduleCursor(phase);
  const scheduledMs = phaseDurationMs(phase);
  const signal = options.signal;
  if (cursor.count > 0) await warmUpSender();
  const url = new URL(options.url);
  const lag = new SendLagRecorder(scheduledMs * 1000);
  // Send lag is recorded only once sending starts, by when startUs is set.
  const sender = new RequestSender(url, poolFor(url), options.timeoutMs, options.onOutcome, (intendedUs, sentUs) => lag.record(intendedUs - startUs, sentUs - intendedUs));
  const startUs = nowUs();
  const endUs = startUs + scheduledMs * 1000;
  const sent = await sendSchedule(cursor, sender, { signal, startUs, endUs });
  // Idle phases, and schedules whose last request is due before the end, still last the scheduled time.
  const remainingMs = (endUs - nowUs()) / 1000;
  if (remainingMs > 0) await sleep(remainingMs, signal);
  // Every request carries its own deadline; an abort cuts the wait short to a brief grace.
  await sender.settle(options.timeoutMs + ABORT_GRACE_MS, signal);
  if (signal?.aborted) await sender.settle(ABORT_GRACE_MS);
  sender.close();
  const seconds = scheduledMs / 1000;
  return {
    scheduled: cursor.count,
    sent,
    achievedRate: seconds > 0 ? sent / seconds : 0,
    sendLag: lag.summary(),
    durationMs: (nowUs() - startUs) / 1000,
  };
}

interface Plan {
  signal: AbortSignal | undefined;
  startUs: number;
  endUs: number;
}

/**
 * The scheduler: sends everything due, then sleeps or spins until the next due time; resolves with how many
 * went out. Callbacks, not an async loop: a spin turn then costs one Immediate, where `await setImmediate()`
 * added a promise and its continuation, and at 20,000 req/s the thread spins hundreds of thousands of turns
 * a second between sends, each allocation bringing the next scavenge closer.
 */
function sendSchedule(cursor: ScheduleCursor, sender: RequestSender, plan: Plan): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    let dueOffsetUs = cursor.count > 0 ? cursor.next() : 0;
    let timer: NodeJS.Timeout | undefined;
    const signal = plan.signal;
    const finish = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(next);
    };
    // A sleep is cut short by an abort; a spin notices it on its next turn.
    const onAbort = (): void => {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      finish();
    };
    const step = (): void => {
      timer = undefined;
      if (next >= cursor.count || signal?.aborted) return finish();
      let now = nowUs();
      if (now > plan.endUs) return finish();
      for (let turn = 0; turn < MAX_SENDS_PER_TURN && next < cursor.count; turn++) {
        const dueUs = plan.startUs + dueOffsetUs;
        if (dueUs > now || now > plan.endUs) break;
        sender.send(dueUs);
        next++;
        if (next < cursor.count) dueOffsetUs = cursor.next();
        now = nowUs();
      }
      if (next >= cursor.count) return finish();
      const waitUs = plan.startUs + dueOffsetUs - now;
      if (waitUs > SPIN_WINDOW_US) timer = setTimeout(step, (waitUs - 1000) / 1000);
      else setImmediate(step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    step();
  });
}
