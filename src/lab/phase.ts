import type { Phase } from '../scenario/schema.js';
import type { PhaseResult } from '../results/model.js';
import type { Timeline } from '../results/timeline.js';
import { PhaseRecorder, type Outcome } from '../results/recorder.js';
import { runOpenLoop } from '../load/openLoop.js';
import { runClosedLoop } from '../load/closedLoop.js';
import { targetRate } from '../load/schedule.js';

export interface PhaseRunOptions {
  url: string;
  timeoutMs: number;
  /** ms since the variant started, for the phase record. */
  startMs: number;
  timeline: Timeline;
  signal: AbortSignal;
  onOutcome?(outcome: Outcome): void;
}

/** Drives one phase against the gateway and turns what it saw into a PhaseResult. */
export async function runPhase(phase: Phase, name: string, options: PhaseRunOptions): Promise<PhaseResult> {
  const rate = targetRate(phase);
  const recorder = new PhaseRecorder({
    name,
    kind: phase.kind,
    loop: phase.kind === 'saturate' ? 'closed' : 'open',
    startMs: options.startMs,
    ...(rate !== undefined ? { targetRate: rate } : {}),
  });
  const sender = {
    url: options.url,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onOutcome: (outcome: Outcome): void => {
      recorder.record(outcome);
      options.timeline.onOutcome(outcome);
      options.onOutcome?.(outcome);
    },
  };
  // Event phases publish to a stream instead of sending requests: lab/events.ts runs them.
  if (phase.kind === 'events') throw new Error(`phase ${name}: event phases run through the trigger, not the request sender`);
  if (phase.kind === 'saturate') {
    const run = await runClosedLoop(phase, sender);
    return recorder.finish({ durationMs: run.durationMs, sent: run.sent, achievedRate: run.achievedRate });
  }
  const run = await runOpenLoop(phase, sender);
  return recorder.finish({
    durationMs: run.durationMs,
    scheduled: run.scheduled,
    sent: run.sent,
    achievedRate: run.achievedRate,
    sendLag: run.sendLag,
  });
}
