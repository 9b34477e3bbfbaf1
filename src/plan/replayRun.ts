import type { PhaseResult, VariantResult } from '../results/model.js';
import { simulate, type SimPolicy, type SimResult } from './simulate.js';
import { fixed, fromHistogram, type Distribution } from './distribution.js';
import { fromOffsets, fromSample } from './arrivals.js';
import { measuredOf, serviceHistograms, type Measured } from './measured.js';
import { judgedWindow, reapEveryMs, variantArrivals, type VariantArrivals } from './replay.js';
import { ARRIVALS_CAP } from '../results/arrivals.js';
import { formatCount } from '../present/format.js';

/** What replaying one run under a policy predicts, beside what the run measured over the same window. */
export interface RunReplay {
  variant: string;
  policy: SimPolicy;
  predicted: SimResult;
  /** Predicted instance starts (provisioned ones excluded) and P99 (ms), per judged phase. */
  byPhase: Record<string, { instanceColdStarts: number; p99Ms: number }>;
  /** Instance-seconds alive with nothing to do (starting and serving excluded). */
  idleInstanceSeconds: number;
  measured: Measured;
  /** Said once beside the figures: phases left out, a thinned arrival log. */
  notes: string[];
}

/** The answer to a what-if: the ensemble's median replay, with how far the ensemble scattered (see `replayRun`). */
export type EnsembleReplay = RunReplay & { spread: ReplaySpread };

/** One figure over an ensemble of replays (seeds): 5th percentile, median and 95th percentile, nearest rank. */
export interface Range {
  low: number;
  median: number;
  high: number;
}

/** How far replays of one run scatter: the simulator draws warm service times at random, and a drawn tail value can start an instance the run did not. */
export interface ReplaySpread {
  replays: number;
  instanceStarts: Range;
  coldStartProbability: Range;
  p99Ms: Range;
  meanInstances: Range;
}

/** Replays per answer: enough that the median and a 90% range are stable, few enough for a what-if curve. */
export const REPLAYS = 21;
// Simulated arrivals per answer at most: a long run's many arrivals average the drawn service times out
// on their own, and a keep-alive curve asks a dozen answers of every run (a 10-million-request soak gets one replay).
const ARRIVALS_PER_ANSWER = 200_000;

/** How many replays an answer about a run of `arrivals` requests takes: REPLAYS for small runs, fewer (odd, ≥ 1) for long ones. */
export function replaysFor(arrivals: number): number {
  const n = Math.max(1, Math.min(REPLAYS, Math.floor(ARRIVALS_PER_ANSWER / Math.max(1, arrivals))));
  return n % 2 === 0 ? n - 1 : n;
}

/**
 * The run's own instance starts, in the order they happened, each plus a warm service time: the k-th simulated
 * start takes the k-th measured one (cycling). Start times drift with the host's load over a run, and drawing
 * them at random would scatter slow and fast starts differently than they came; falls back to the cold
 * histogram when no start was recorded (a provisioned start stands in before that: same sandbox, same init).
 * A factory: each simulation takes the starts from the first one again.
 */
function coldOf(variant: VariantResult, warm: Distribution, phases: readonly PhaseResult[]): () => Distribution {
  const records = variant.instances.filter((r) => r.start !== undefined).sort((a, b) => a.startedAtMs - b.startedAtMs);
  const forRequests = records.filter((r) => !r.provisioned);
  const starts = (forRequests.length > 0 ? forRequests : records).map((r) => (r.start?.totalMs ?? 0) * 1000);
  if (starts.length === 0) {
    const { cold } = serviceHistograms(variant, phases);
    const fallback = cold ? fromHistogram(cold, 'cold') : fixed(warm.meanUs / 1000);
    return () => fallback;
  }
  const mean = starts.reduce((a, b) => a + b, 0) / starts.length + warm.meanUs;
  return () => {
    let next = 0;
    return { sample: (u) => (starts[next++ % starts.length] ?? 0) + warm.sample(u), meanUs: mean, label: `the run's ${starts.length} instance starts in order, plus warm service` };
  };
}

/**
 * Where the run's reaper ticked: every keep-alive stop is stamped at a tick, and the timer started at no
 * fixed offset, so a simulation with ticks at multiples of the period misjudges gaps close to keep-alive
 * by up to a whole period. The median offset of the stops (taken around the first one) gives the phase.
 */
function reapPhaseOf(variant: VariantResult, fromMs: number): number {
  const period = reapEveryMs(variant.variant.keepAliveMs);
  const stops = variant.instances.filter((i) => i.stopReason === 'keepalive' && i.stoppedAtMs !== undefined).map((i) => (i.stoppedAtMs ?? 0) - fromMs);
  const first = stops[0];
  if (first === undefined) return 0;
  const offsets = stops.map((s) => ((((s - first) % period) + period * 1.5) % period) - period / 2).sort((a, b) => a - b);
  const median = offsets[Math.floor(offsets.length / 2)] ?? 0;
  return (((first + median) % period) + period) % period;
}

/** The run's own pool settings, as the simulator takes them. */
export function policyOf(variant: VariantResult): SimPolicy {
  const v = variant.variant;
  return { maxInstances: v.maxInstances, instanceConcurrency: v.instanceConcurrency, keepAliveMs: v.keepAliveMs, provisioned: v.provisionedConcurrency, reapEveryMs: reapEveryMs(v.keepAliveMs) };
}

/** A run made ready to replay: what is read off its results once, however many policies it is replayed under. */
export interface PreparedReplay {
  /** Requests the replay sends (a thinned log's sample counts as the requests it stands for). */
  arrivals: number;
  replay(seed: number, change?: Partial<SimPolicy>): RunReplay;
}

/**
 * Reads a run for replaying (its judged window: closed-loop phases left out; its arrivals, measured service
 * and start times, reaper phase and measured figures), or says why it cannot be replayed.
 */
export function prepareReplay(variant: VariantResult): PreparedReplay | { variant: string; skipped: string } {
  const id = variant.variant.id;
  if (variant.status === 'failed') return { variant: id, skipped: `failed: ${variant.error.message}` };
  const window = judgedWindow(variant);
  const arrivals = variantArrivals(variant, window);
  if ('unsupported' in arrivals) return { variant: id, skipped: arrivals.unsupported };
  const { warm: warmData } = serviceHistograms(variant, window.phases);
  if (!warmData) return { variant: id, skipped: 'no warm latencies recorded' };
  const warm = fromHistogram(warmData, 'warm');
  const cold = coldOf(variant, warm, window.phases);
  const own = policyOf(variant);
  const ownReapPhaseMs = reapPhaseOf(variant, window.fromMs);
  const phaseAt = phaseLocator(window.phases.map((p) => [(p.startMs - window.fromMs) * 1000, p.name] as const));
  const measured = measuredOf(variant, window);
  const notes = [window.leftOut, noteOf(arrivals)].filter((n): n is string => n !== undefined);
  return {
    arrivals: arrivals.sample ? arrivals.sample.requests : arrivals.offsetsUs.length,
    replay: (seed, change = {}) => {
      const policy: SimPolicy = { ...own, ...change };
      if (change.keepAliveMs !== undefined && change.reapEveryMs === undefined) policy.reapEveryMs = reapEveryMs(change.keepAliveMs);
      // The measured reaper phase holds for the run's own period only.
      policy.reapPhaseMs = policy.reapEveryMs === own.reapEveryMs ? ownReapPhaseMs : 0;
      policy.maxInstances = Math.max(policy.maxInstances, policy.provisioned);
      const byPhase: RunReplay['byPhase'] = Object.fromEntries(window.phases.map((p) => [p.name, { instanceColdStarts: 0, p99Ms: 0 }]));
      const latencies = new Map<string, number[]>();
      const predicted = simulate({
        policy,
        nextArrival: arrivals.sample ? fromSample(arrivals.offsetsUs, arrivals.sample.oneIn) : fromOffsets(arrivals.offsetsUs),
        horizonUs: arrivals.horizonUs,
        warm,
        cold: cold(),
        seed,
        onStart: (t) => {
          const phase = byPhase[phaseAt(t)];
          if (phase) phase.instanceColdStarts++;
        },
        onAnswer: (at, us) => {
          const name = phaseAt(at);
          const list = latencies.get(name) ?? [];
          list.push(us);
          latencies.set(name, list);
        },
      });
      for (const [name, list] of latencies) {
        const phase = byPhase[name];
        if (!phase) continue;
        list.sort((a, b) => a - b);
        // Nearest rank, as the simulator's own percentiles (latencies.ts).
        phase.p99Ms = (list[Math.max(0, Math.ceil(0.99 * list.length) - 1)] ?? 0) / 1000;
      }
      return { variant: id, policy, predicted, byPhase, idleInstanceSeconds: predicted.meanIdleInstances * predicted.horizonS, measured, notes };
    },
  };
}

/**
 * Replays one run's own arrivals through the planner's simulator, with its measured service and start times,
 * under its own policy or the one given. The one way coldlab answers "what if" about a run: the keep-alive
 * what-if, the warm-pool advice and `plan --validate`.
 */
export function replayRun(variant: VariantResult, seed: number, change: Partial<SimPolicy> = {}, replays?: number): EnsembleReplay | { variant: string; skipped: string } {
  let prepared = readied.get(variant);
  if (!prepared) readied.set(variant, (prepared = prepareReplay(variant)));
  if ('skipped' in prepared) return prepared;
  const ensemble = Array.from({ length: Math.max(1, replays ?? replaysFor(prepared.arrivals)) }, (_, k) => prepared.replay(seed + k, change));
  return medianReplay(ensemble);
}

/**
 * One replay is one draw of the warm service times; the answer is the ensemble's median replay (by instance
 * starts, then mean instances), a whole simulation so its figures agree with each other, with the spread
 * of each figure over the ensemble beside it.
 */
export function medianReplay(ensemble: readonly RunReplay[]): EnsembleReplay {
  const ranked = [...ensemble].sort((a, b) => a.predicted.instanceStarts - b.predicted.instanceStarts || a.predicted.meanInstances - b.predicted.meanInstances);
  const median = ranked[Math.floor((ranked.length - 1) / 2)];
  if (!median) throw new Error('an ensemble of no replays');
  const range = (get: (r: RunReplay) => number): Range => {
    const values = ensemble.map(get).sort((a, b) => a - b);
    const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))] ?? 0;
    return { low: at(0.05), median: at(0.5), high: at(0.95) };
  };
  const spread: ReplaySpread = {
    replays: ensemble.length,
    instanceStarts: range((r) => r.predicted.instanceStarts),
    coldStartProbability: range((r) => r.predicted.coldStartProbability),
    p99Ms: range((r) => r.predicted.p99Ms),
    meanInstances: range((r) => r.predicted.meanInstances),
  };
  return { ...median, spread };
}

// Each run is read once, however many keep-alive values and pool sizes ask about it (results are not changed once read).
const readied = new WeakMap<VariantResult, PreparedReplay | { variant: string; skipped: string }>();

// The phase an instant falls in (the last phase started at or before it).
function phaseLocator(starts: ReadonlyArray<readonly [number, string]>): (us: number) => string {
  return (us) => {
    let name = starts[0]?.[1] ?? '';
    for (const [at, n] of starts) if (at <= us) name = n;
    return name;
  };
}

// A thinned log, said plainly: exact again when the schedules could stand in, approximate when they could not.
function noteOf(arrivals: VariantArrivals): string | undefined {
  if (arrivals.rebuiltFrom) return `the arrival log keeps 1 in ${formatCount(arrivals.rebuiltFrom.oneIn)} of its ${formatCount(arrivals.rebuiltFrom.requests)} requests; arrivals rebuilt exactly from the phases' seeded schedules`;
  if (arrivals.sample) return `approximate: the arrival log keeps 1 in ${formatCount(arrivals.sample.oneIn)} of its ${formatCount(arrivals.sample.requests)} requests (past the cap of ${formatCount(ARRIVALS_CAP)} logged arrivals), and the simulation spread each kept arrival's ${formatCount(arrivals.sample.oneIn)} requests evenly over the gap to the next one`;
  return undefined;
}
