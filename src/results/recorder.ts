import type { GatewayTags } from './gatewayTags.js';
import type { PhaseKind } from '../scenario/schema.js';
import type { ColdReason, HistogramData, LatencySet, PhaseResult, SendLag } from './model.js';
import { newHistogram, recordUs, toData, type Histogram } from './histogram.js';

/** What happened to one request, on the nowUs() clock. */
export interface Outcome {
  /** When the schedule wanted it sent; for closed loop the same as sentUs. */
  intendedUs: number;
  sentUs: number;
  endUs: number;
  /** 2xx and no gateway error. */
  ok: boolean;
  status?: number;
  /** 'http-500', 'timeout', 'connection', 'gateway:<x>', 'aborted'... */
  errorKind?: string;
  tags?: GatewayTags;
}

export interface PhaseInfo {
  name: string;
  kind: PhaseKind;
  loop: 'open' | 'closed';
  startMs: number;
  targetRate?: number;
}

export interface PhaseRun {
  durationMs: number;
  sent: number;
  /** Open loop: how many requests the schedule held. A Poisson schedule holds a random count around rate × duration. */
  scheduled?: number;
  sendLag?: SendLag;
  achievedRate: number;
}

/** Below this share of its scheduled requests (or, without a schedule count, of its target rate) an open-loop phase did not apply the load it claims. */
export const MIN_ACHIEVED_SHARE = 0.95;
/**
 * A sender that is steadily (not growingly) late by this much for 1% of requests is out of CPU: measured at
 * 6,000 req/s on a 2-core box, p99 lag was 175 ms and made up most of the reported p99 latency.
 */
export const MAX_P99_SEND_LAG_US = 50_000;

class LatencyPair {
  readonly corrected = newHistogram();
  readonly uncorrected = newHistogram();
  add(outcome: Outcome): void {
    recordUs(this.corrected, outcome.endUs - outcome.intendedUs);
    recordUs(this.uncorrected, outcome.endUs - outcome.sentUs);
  }
  data(): LatencySet | undefined {
    if (this.corrected.totalCount === 0) return undefined;
    return { corrected: toData(this.corrected), uncorrected: toData(this.uncorrected) };
  }
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** HDR histograms for one phase of one variant: all, cold and warm kept apart, failures counted by kind. */
export class PhaseRecorder {
  private readonly all = new LatencyPair();
  private readonly cold = new LatencyPair();
  private readonly warm = new LatencyPair();
  private readonly coldInit: Histogram = newHistogram();
  private readonly queueWait: Histogram = newHistogram();
  private readonly serviceWarm: Histogram = newHistogram();
  private readonly serviceCold: Histogram = newHistogram();
  private readonly errors: Record<string, number> = {};
  private readonly coldStarts: Record<ColdReason, number> = { 'scale-out': 0, 'keepalive-expired': 0 };
  private ok = 0;

  constructor(private readonly info: PhaseInfo) {}

  record(outcome: Outcome): void {
    const tags = outcome.tags;
    // The instance did start even when its handler then failed, so a cold start counts whatever the status.
    if (tags?.startKind === 'cold' && tags.gatewayError === undefined) {
      // The gateway always names the reason; were it missing, the start was still a new instance.
      this.coldStarts[tags.coldReason ?? 'scale-out'] += 1;
      if (tags.initMs !== undefined) recordUs(this.coldInit, tags.initMs * 1000);
    }
    if (!outcome.ok) {
      const kind = outcome.errorKind ?? (outcome.status !== undefined ? `http-${outcome.status}` : 'unknown');
      this.errors[kind] = (this.errors[kind] ?? 0) + 1;
      return;
    }
    this.ok += 1;
    this.all.add(outcome);
    // Untagged successes stay only in `all`: calling them warm would hide cold starts in the warm figures.
    if (tags?.startKind === 'cold') this.cold.add(outcome);
    else if (tags?.startKind === 'warm') this.warm.add(outcome);
    if (tags?.queueUs !== undefined) {
      recordUs(this.queueWait, tags.queueUs);
      // From the actual send: the sender's own lag is not the instance's time.
      const onInstanceUs = Math.max(0, outcome.endUs - outcome.sentUs - tags.queueUs);
      if (tags.startKind === 'warm') recordUs(this.serviceWarm, onInstanceUs);
      else if (tags.startMs !== undefined) recordUs(this.serviceCold, tags.startMs * 1000 + onInstanceUs);
    }
  }

  finish(run: PhaseRun): PhaseResult {
    const invalidReasons = this.invalidReasons(run);
    const latency: PhaseResult['latency'] = {};
    const all = this.all.data();
    const cold = this.cold.data();
    const warm = this.warm.data();
    if (all) latency.all = all;
    if (cold) latency.cold = cold;
    if (warm) latency.warm = warm;
    const result: PhaseResult = {
      name: this.info.name,
      kind: this.info.kind,
      loop: this.info.loop,
      startMs: this.info.startMs,
      durationMs: run.durationMs,
      achievedRate: run.achievedRate,
      sent: run.sent,
      ok: this.ok,
      errors: { ...this.errors },
      latency,
      coldStarts: { ...this.coldStarts },
      valid: invalidReasons.length === 0,
      invalidReasons,
    };
    if (this.info.targetRate !== undefined) result.targetRate = this.info.targetRate;
    if (run.scheduled !== undefined) result.scheduled = run.scheduled;
    if (run.sendLag) result.sendLag = run.sendLag;
    const coldInit = dataIfAny(this.coldInit);
    if (coldInit) result.coldInit = coldInit;
    const queueWait = dataIfAny(this.queueWait);
    if (queueWait) result.queueWait = queueWait;
    const serviceWarm = dataIfAny(this.serviceWarm);
    const serviceCold = dataIfAny(this.serviceCold);
    if (serviceWarm || serviceCold) result.service = { ...(serviceWarm ? { warm: serviceWarm } : {}), ...(serviceCold ? { cold: serviceCold } : {}) };
    return result;
  }

  // Only open loop promises a rate; a closed loop's rate is whatever the system answered, so it is never "too low".
  private invalidReasons(run: PhaseRun): string[] {
    const reasons: string[] = [];
    const target = this.info.targetRate;
    if (this.info.loop === 'open' && run.scheduled !== undefined && run.scheduled > 0) {
      // Judged against the schedule, not rate × duration: a Poisson schedule may hold fewer requests than that by chance.
      if (run.sent < run.scheduled * MIN_ACHIEVED_SHARE) {
        const share = Math.floor((run.sent / run.scheduled) * 100);
        reasons.push(
          `sent ${number.format(run.sent)} of ${number.format(run.scheduled)} scheduled requests (${share}%, ` +
            `${number.format(run.achievedRate)} req/s); the load generator did not apply the load the scenario asks for`,
        );
      }
    } else if (this.info.loop === 'open' && target !== undefined && target > 0 && run.achievedRate < target * MIN_ACHIEVED_SHARE) {
      const share = Math.floor((run.achievedRate / target) * 100);
      reasons.push(
        `achieved ${number.format(run.achievedRate)} req/s of ${number.format(target)} target (${share}%); ` +
          `the load generator did not apply the load the scenario asks for`,
      );
    }
    const lag = run.sendLag;
    if (lag?.growing) {
      reasons.push(
        `send lag kept growing (p50 ${ms(lag.p50Us)}, p99 ${ms(lag.p99Us)}, max ${ms(lag.maxUs)}); ` +
          `the load generator could not keep up with the schedule`,
      );
    } else if (lag && lag.p99Us > MAX_P99_SEND_LAG_US) {
      reasons.push(
        `1% of requests left more than ${ms(lag.p99Us)} after their due time (max ${ms(lag.maxUs)}); ` +
          `the load generator was short of CPU and its own delay would dominate the latency figures`,
      );
    }
    return reasons;
  }
}

function dataIfAny(histogram: Histogram): HistogramData | undefined {
  return histogram.totalCount > 0 ? toData(histogram) : undefined;
}

function ms(us: number): string {
  return us >= 10_000 ? `${number.format(us / 1000)} ms` : `${(us / 1000).toFixed(1)} ms`;
}
