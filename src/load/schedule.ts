import type { Phase } from '../scenario/schema.js';
import { mulberry32 } from './prng.js';
import { traceReplay } from './trace/schedule.js';

export type OpenLoopPhase = Extract<Phase, { kind: 'constant' | 'poisson' | 'ramp' | 'burst' | 'idle' | 'trace' }>;
type BurstPhase = Extract<Phase, { kind: 'burst' }>;
type RampPhase = Extract<Phase, { kind: 'ramp' }>;

const US_PER_S = 1_000_000;
// Guards Math.floor against 2000 * 0.3 = 599.9999999 style products.
const EPSILON = 1e-9;
// After the last burst the phase lasts a little longer so its responses land inside the phase.
const BURST_TAIL_MAX_MS = 1000;

/** Intended send times (µs from the phase start, ascending): the open-loop sender's whole plan, computed up front. */
export function scheduleOffsetsUs(phase: OpenLoopPhase): Float64Array {
  switch (phase.kind) {
    case 'constant':
      return constantOffsets(phase.rate, phase.duration / 1000);
    case 'poisson':
      return poissonOffsets(phase.rate, phase.duration / 1000, phase.seed ?? 1);
    case 'ramp':
      return rampOffsets(phase);
    case 'burst':
      return burstOffsets(phase);
    case 'idle':
      return new Float64Array(0);
    case 'trace':
      return traceReplay(phase).offsetsUs;
  }
}

/** How long a phase lasts on the schedule, ms (the sender may take longer to drain in-flight requests). */
export function phaseDurationMs(phase: Phase): number {
  if (phase.kind === 'burst') return (phase.count - 1) * phase.every + burstTailMs(phase);
  if (phase.kind === 'trace') return traceReplay(phase).durationMs;
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
  const count = Math.floor(rate * seconds + EPSILON);
  const offsets = new Float64Array(count);
  for (let k = 0; k < count; k++) offsets[k] = (k * US_PER_S) / rate;
  return offsets;
}

// Exponential gaps with mean 1/rate give a Poisson arrival process; the seed makes it reproducible.
function poissonOffsets(rate: number, seconds: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const endUs = seconds * US_PER_S;
  const offsets: number[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - random()) / rate) * US_PER_S;
    if (t >= endUs) break;
    offsets.push(t);
  }
  return Float64Array.from(offsets);
}

/**
 * Rate grows linearly from `from` to `to`, so the count sent by time t is N(t) = from·t + (to−from)·t²/(2D).
 * Request n is due when N(t) = n; the root is written as 2n / (b + √(b² + 4an)) so it stays exact when
 * the ramp is flat (a = 0) and when it goes down (a < 0).
 */
function rampOffsets(phase: RampPhase): Float64Array {
  const seconds = phase.duration / 1000;
  if (seconds <= 0) return new Float64Array(0);
  const a = (phase.to - phase.from) / (2 * seconds);
  const b = phase.from;
  const count = Math.floor(((phase.from + phase.to) / 2) * seconds + EPSILON);
  const offsets = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    const root = Math.sqrt(Math.max(0, b * b + 4 * a * n));
    offsets[n] = n === 0 ? 0 : ((2 * n) / (b + root)) * US_PER_S;
  }
  return offsets;
}

function burstOffsets(phase: BurstPhase): Float64Array {
  const offsets = new Float64Array(phase.size * phase.count);
  for (let k = 0; k < phase.count; k++) offsets.fill(k * phase.every * 1000, k * phase.size, (k + 1) * phase.size);
  return offsets;
}
