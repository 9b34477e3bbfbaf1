import type { Runtime, Prepared } from '../runtimes/types.js';
import type { Variant, FunctionSpec } from '../scenario/variant.js';
import type { PhaseResult, VariantResult, InstanceRecord } from '../results/model.js';
import type { Outcome } from '../results/recorder.js';
import { Pool, reapEveryMs } from '../platform/pool.js';
import { startGateway, type Gateway } from '../platform/gateway.js';
import { Timeline } from '../results/timeline.js';
import { ArrivalCollector } from '../results/arrivals.js';
import { Sampler } from './sampler.js';
import { runPhase } from './phase.js';
import { phaseDurationMs } from '../load/schedule.js';
import { nowUs } from '../util/clock.js';
import { warmUpSender } from '../load/warmup.js';
import { ColdlabError, errorMessage } from '../util/errors.js';
import type { EventBus } from '../events/bus.js';
import { EventsSession } from '../events/session.js';
import type { EventsData } from '../results/eventsRecorder.js';

export interface VariantEvents {
  phaseStarted?(variant: Variant, phaseName: string, index: number, durationMs: number): void;
  outcome?(outcome: Outcome): void;
  /** The variant's pool is up: `alive()` counts its live instances (read by the metrics endpoint). */
  poolStarted?(variant: Variant, alive: () => number): void;
}

export interface VariantRunOptions {
  runtime: Runtime;
  fn: FunctionSpec;
  variant: Variant;
  runId: string;
  signal: AbortSignal;
  events?: VariantEvents;
  /** The run's NATS server, when the variant has event phases; variantIndex names its stream. */
  eventBus?: EventBus;
  variantIndex?: number;
}

/** Watches instance starts: the first failure is kept, and three failures before any instance was ready end the variant. */
class StartWatch {
  ready = false;
  private readonly giveUp = new AbortController();
  private first: unknown;
  private count = 0;

  get hopeless(): AbortSignal {
    return this.giveUp.signal;
  }

  failed(error: unknown): void {
    this.first ??= error;
    this.count++;
    if (!this.ready && this.count >= 3) this.giveUp.abort();
  }

  neverReady(): unknown {
    return this.ready ? undefined : this.first;
  }
}


/** Runs one variant: prepare, provision, drive each phase through the gateway, stop everything, report. */
export async function runVariant(options: VariantRunOptions): Promise<VariantResult> {
  const { runtime, fn, variant, runId, signal } = options;
  const startedAt = new Date().toISOString();
  const originUs = nowUs();
  const timeline = new Timeline(originUs);
  const arrivals = new ArrivalCollector(originUs);
  const onOutcome = (outcome: Outcome): void => {
    arrivals.onOutcome(outcome);
    options.events?.outcome?.(outcome);
  };
  const phases: PhaseResult[] = [];
  const notes = new Set<string>();
  let prepared: Prepared | undefined;
  let pool: Pool | undefined;
  let gateway: Gateway | undefined;
  let sampler: Sampler | undefined;
  let reaper: NodeJS.Timeout | undefined;
  let records: InstanceRecord[] = [];
  let failure: unknown;
  let eventsSession: EventsSession | undefined;
  let eventsResult: EventsData | undefined;
  const eventsInvalid: string[] = [];
  const starts = new StartWatch();
  // The phases stop early when the run is interrupted or when the function plainly cannot start.
  const phaseSignal = AbortSignal.any([signal, starts.hopeless]);
  try {
    prepared = await runtime.prepare(fn, variant, runId);
    const ready = prepared;
    prepared.notes.forEach((n) => notes.add(n));
    pool = new Pool({
      maxInstances: variant.maxInstances,
      instanceConcurrency: variant.instanceConcurrency,
      keepAliveMs: variant.keepAliveMs,
      provisioned: variant.provisionedConcurrency,
      originUs,
      startInstance: async (instanceId, stop, onAccepting) => {
        try {
          const instance = await runtime.start(ready, { instanceId, runId, signal: stop, onAccepting });
          starts.ready = true;
          instance.notes.forEach((n) => notes.add(n));
          return instance;
        } catch (error) {
          if (!stop.aborted) starts.failed(error);
          throw error;
        }
      },
    });
    const activePool = pool;
    options.events?.poolStarted?.(variant, () => activePool.instances().length);
    sampler = new Sampler(pool, timeline);
    sampler.start();
    await pool.startProvisioned();
    gateway = await startGateway(pool);
    reaper = setInterval(() => activePool.reap(), reapEveryMs(variant.keepAliveMs));
    // Once per process, and before the first phase's start time is taken, so phase times are when their schedules ran.
    await warmUpSender();
    for (const [index, phase] of variant.phases.entries()) {
      if (phaseSignal.aborted) break;
      const name = phase.name ?? `${index + 1}-${phase.kind}`;
      const startMs = (nowUs() - originUs) / 1000;
      options.events?.phaseStarted?.(variant, name, index, phaseDurationMs(phase));
      if (phase.kind === 'events') {
        if (!options.eventBus) throw new Error('event phase without an event bus');
        eventsSession ??= await EventsSession.open({ bus: options.eventBus, runId, variantIndex: options.variantIndex ?? 0, variant, gatewayUrl: gateway.url, signal: phaseSignal, onOutcome });
        phases.push(await eventsSession.runPhase(phase, name, { startMs, timeline }));
      } else {
        // A closed loop's requests stay out of the arrival log: no replay judges them (their arrivals depend on
        // the answers), and at tens of thousands they would thin the log of the open-loop phases that are.
        const record = phase.kind === 'saturate' ? (outcome: Outcome): void => options.events?.outcome?.(outcome) : onOutcome;
        phases.push(await runPhase(phase, name, { url: gateway.url, timeoutMs: variant.requestTimeoutMs, startMs, timeline, signal: phaseSignal, onOutcome: record }));
      }
    }
  } catch (error) {
    failure = error;
  } finally {
    // The trigger drains through the gateway, so it finishes (and the stream is audited) before the gateway closes.
    if (eventsSession) {
      const finished = await eventsSession.finish().catch(async (error: unknown) => {
        failure ??= error;
        await eventsSession?.dispose();
        return undefined;
      });
      if (finished) {
        eventsResult = finished.result;
        eventsInvalid.push(...finished.invalidReasons);
      }
    }
    if (reaper) clearInterval(reaper);
    await gateway?.close();
    await sampler?.stop();
    await pool?.close(signal.aborted ? 'interrupted' : 'end-of-variant');
    records = sampler && pool ? sampler.annotate(pool.records()) : [];
    // A runtime may add notes while the variant runs (e.g. the first module error of each kind).
    prepared?.notes.forEach((n) => notes.add(n));
  }
  // No instance ever answered: the variant measured nothing, whatever the phases say; the instance's own error is why.
  failure ??= starts.neverReady();
  const base = {
    variant,
    startedAt,
    durationMs: (nowUs() - originUs) / 1000,
    phases,
    instances: records,
    timeline: timeline.points(),
    // Only instances that started can say whether their limits held: none started, nothing to claim.
    limitsEnforced: records.filter((r) => r.start).every((r) => r.limitsEnforced),
    notes: [...notes],
    ...(prepared?.sandbox ? { sandbox: prepared.sandbox } : {}),
    arrivals: arrivals.log(),
    ...(eventsResult ? { events: eventsResult } : {}),
  };
  if (failure !== undefined) {
    const error = failure instanceof ColdlabError ? { code: failure.code, message: failure.message, hint: failure.hint } : { code: 'VARIANT_FAILED', message: errorMessage(failure) };
    return { ...base, status: 'failed', error };
  }
  const invalidReasons = [...phases.flatMap((p) => p.invalidReasons.map((r) => `${p.name}: ${r}`)), ...eventsInvalid];
  if (signal.aborted) invalidReasons.push('interrupted before all phases ran');
  return invalidReasons.length > 0 ? { ...base, status: 'invalid', invalidReasons } : { ...base, status: 'completed' };
}
