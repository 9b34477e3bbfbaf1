import type { Phase } from '../scenario/schema.js';
import type { Outcome } from '../results/recorder.js';
import { nowUs, sleep } from '../util/clock.js';
import { poolFor } from './agents.js';
import { RequestSender } from './httpSend.js';
import type { SenderOptions } from './openLoop.js';

type SaturatePhase = Extract<Phase, { kind: 'saturate' }>;

// After the phase's time is up (or an abort), requests still in flight get their deadline, or this long after an abort.
const ABORT_GRACE_MS = 1_000;

/**
 * Saturation: `connections` requests in flight at all times, each answer sending the next one (closed loop by
 * design, so no rate and no coordinated-omission correction: a request is intended when it is sent). It runs
 * on the open-loop sender's own client (../http1/connection.ts): the same deadlines, failures and tags, and less of the
 * lab's thread per request than autocannon's client, whose throughput on the same server is its bench
 * baseline. When the phase's time is up no new request goes out, and those in flight are waited for (up to
 * their deadline), so `sent` counts every request sent and each has its outcome.
 */
export async function runClosedLoop(phase: SaturatePhase, options: SenderOptions): Promise<{ sent: number; achievedRate: number; durationMs: number }> {
  const url = new URL(options.url);
  const signal = options.signal;
  let sent = 0;
  let sending = true;
  const sender: RequestSender = new RequestSender(url, poolFor(url), options.timeoutMs, (outcome: Outcome) => {
    sent++;
    // Closed loop: a request is intended when a connection takes it (the sender's own fresh object, so set in place).
    outcome.intendedUs = outcome.sentUs;
    options.onOutcome(outcome);
    if (sending && !signal?.aborted) sender.send(nowUs());
  });
  const startUs = nowUs();
  if (!signal?.aborted) for (let i = 0; i < phase.connections; i++) sender.send(startUs);
  await sleep(phase.duration, signal);
  sending = false;
  await sender.settle(options.timeoutMs + ABORT_GRACE_MS, signal);
  if (signal?.aborted) await sender.settle(ABORT_GRACE_MS);
  sender.close();
  const durationMs = (nowUs() - startUs) / 1000;
  return { sent, achievedRate: durationMs > 0 ? sent / (durationMs / 1000) : 0, durationMs };
}
