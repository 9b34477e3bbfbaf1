import type { Phase } from '../scenario/schema.js';
import { mulberry32 } from '../util/prng.js';
import { traceReplay } from '../scenario/trace/schedule.js';

export type OpenLoopPhase = Extract<Phase, { kind: 'constant' | 'poisson' | 'ramp' | 'burst' | 'idle' | 'trace' }>;
type BurstPhase = Extract<Phase, { kind: 'burst' }>;
type RampPhase = Extract<Phase, { kind: 'ramp' }>;

const US_PER_S = 1_000_000;
// Guards Math.floor against 2000 * 0.3 = 599.9999999 style products.
const EPSILON = 1e-9;
// After the last burst the phase lasts a little longer so its responses land inside the phase.
const BURST_TAIL_MAX_MS = 1000;

/** Intended send times one at a time, in order: the sender's plan without holding it whole (a soak sends millions). */
export interface ScheduleCursor {
  /** Requests in the schedule. */
  readonly count: number;
  /** The next intended send time, µs from the phase start; call it at most `count` times. */
  next(): number;
}

export function scheduleCursor(phase: OpenLoopPhase): ScheduleCursor {
  switch (phase.kind) {
    case 'constant': {
      const { rate } = phase;
      return indexed(Math.floor((rate * phase.duration) / 1000 + EPSILON), (k) => (k * US_PER_S) / rate);
    }
    case 'poisson':
      return poissonCursor(phase.rate, phase.duration / 1000, phase.seed ?? 1);
    case 'ramp':
      return rampCursor(phase);
    case 'burst':
      return indexed(phase.size * phase.count, (i) => Math.floor(i / phase.size) * phase.every * 1000);
    case 'idle':
      return indexed(0, () => 0);
    case 'trace': {
      const offsets = traceReplay(phase).offsetsUs;
      return indexed(offsets.length, (i) => offsets[i] ?? 0);
    }
  }
}

/** Intended send times (µs from the phase start, ascending), all at once: for planning and tests. */
export function scheduleOffsetsUs(phase: OpenLoopPhase): Float64Array {
  const cursor = scheduleCursor(phase);
  const offsets = new Float64Array(cursor.count);
  for (let i = 0; i < offsets.length; i++) offsets[i] = cursor.next();
  return offsets;
}

function indexed(count: number, at: (i: number) => number): ScheduleCursor {
  let i = 0;
  return { count, next: () => at(i++) };
}

/** How long a phase lasts on the schedule, ms (the sender may take longer to drain in-flight requests). */
export function phaseDurationMs(phase: Phase): number {
  if (phase.kind === 'burst') return (phase.count - 1) * phase.every + burstTailMs(phase);
  if (phase.kind === 'trace') return traceReplay(phase).durationMs;
  if (phase.kind === 'events') return phaseDurationMs(phase.publish);
  return phase.duration;
}

/** Requests per second the schedule asks for over the whole phase; undefined where no rate is promised. */
export function targetRate(phase: Phase): number | undefined {
  switch (phase.kind) {
    case 'constant':
    case 'poisson':
      return phase.rate;
    case 'ramp':
      return (phase.from + phase.to) / 2;
    case 'burst': {
      const seconds = phaseDurationMs(phase) / 1000;
      return seconds > 0 ? (phase.size * phase.count) / seconds : undefined;
    }
    case 'trace': {
      const replay = traceReplay(phase);
      return replay.durationMs > 0 ? replay.offsetsUs.length / (replay.durationMs / 1000) : undefined;
    }
    case 'events':
      return targetRate(phase.publish);
    case 'idle':
    case 'saturate':
      return undefined;
  }
}

// A short tail, but never longer than the gap between bursts, so tightly packed bursts stay tight.
function burstTailMs(phase: BurstPhase): number {
  return phase.every > 0 ? Math.min(phase.every, BURST_TAIL_MAX_MS) : BURST_TAIL_MAX_MS;
}

// wrk2's plan: request k is due at k / rate.
export function constantOffsets(rate: number, seconds: number): Float64Array {
  return scheduleOffsetsUs({ kind: 'constant', rate, duration: seconds * 1000 });
}

// Exponential gaps with mean 1/rate give a Poisson arrival process; the seed makes it reproducible. The count
// comes from a first pass of the same generator, so the plan is known without being stored.
function poissonCursor(rate: number, seconds: number, seed: number): ScheduleCursor {
  const endUs = seconds * US_PER_S;
  const gaps = (): (() => number) => {
    const random = mulberry32(seed);
    let t = 0;
    return () => (t += (-Math.log(1 - random()) / rate) * US_PER_S);
  };
  let count = 0;
  for (const gap = gaps(); gap() < endUs; ) count++;
  return { count, next: gaps() };
}

/**
 * Rate grows linearly from `from` to `to`, so the count sent by time t is N(t) = from·t + (to−from)·t²/(2D).
 * Request n is due when N(t) = n; the root is written as 2n / (b + √(b² + 4an)) so it stays exact when
 * the ramp is flat (a = 0) and when it goes down (a < 0).
 */
function rampCursor(phase: RampPhase): ScheduleCursor {
  const seconds = phase.duration / 1000;
  if (seconds <= 0) return indexed(0, () => 0);
  const a = (phase.to - phase.from) / (2 * seconds);
  const b = phase.from;
  const count = Math.floor(((phase.from + phase.to) / 2) * seconds + EPSILON);
  return indexed(count, (n) => (n === 0 ? 0 : ((2 * n) / (b + Math.sqrt(Math.max(0, b * b + 4 * a * n)))) * US_PER_S));
}
