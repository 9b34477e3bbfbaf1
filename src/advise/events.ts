import type { VariantResult } from '../results/model.js';
import type { Prices } from '../scenario/prices.js';
import { mergeData, fromData, newHistogram, recordUs, toData } from '../results/histogram.js';
import { requestCost } from '../billing/rates.js';

/** Ack wait and trigger concurrency of one variant with event phases, judged on what it measured. */
export interface EventsAdvice {
  variant: string;
  ackWaitMs: number;
  /** P99 of this variant's instance cold starts (start call → ready), ms; absent when nothing started cold. */
  coldStartP99Ms?: number;
  /** P99 of a warm call's time on its instance (event phases' warm service time, without the gateway's queue), ms. */
  warmCallP99Ms: number;
  /** The smallest ack wait (rounded up to 100 ms) that outlasts a cold start at P99 plus a warm call, with 20% to spare. */
  recommendedAckWaitMs: number;
  messages: number;
  invocations: number;
  duplicateInvocations: number;
  duplicateMessages: number;
  /** What the duplicate calls cost at the run's prices, per million messages (each billed as a warm call). */
  duplicateCostPerMillionMessages: number;
  maxAckPending: number;
  /** Calls the platform can run at once: maxInstances × instanceConcurrency. */
  capacity: number;
}

const MARGIN = 1.2;
const roundUp100 = (ms: number): number => Math.max(100, Math.ceil(ms / 100) * 100);

function p99(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const h = newHistogram();
  for (const v of values) recordUs(h, v * 1000);
  return toData(h).p99Us / 1000;
}

/** Per variant with event phases (completed ones only, like every recommendation): what ack wait and maxAckPending to use. */
export function adviseEvents(variants: readonly VariantResult[], prices: Prices): EventsAdvice[] {
  return variants.flatMap((v) => {
    const e = v.events;
    if (!e || v.status !== 'completed') return [];
    const coldStartP99Ms = p99(v.instances.filter((i) => !i.provisioned && i.start).map((i) => i.start?.totalMs ?? 0));
    // A warm call's own time on the instance (the gateway's queue wait taken out): what a message costs once it runs.
    const warm = v.phases.flatMap((p) => (p.kind === 'events' && p.service?.warm ? [p.service.warm] : []));
    const warmCall = warm.length > 0 ? mergeData(warm) : undefined;
    const warmCallP99Ms = warmCall ? warmCall.p99Us / 1000 : 0;
    const warmCallMs = warmCall ? fromData(warmCall).getValueAtPercentile(50) / 1000 : 0;
    const sum = (key: 'answered' | 'invocations' | 'duplicateInvocations' | 'duplicateMessages'): number => e.phases.reduce((t, p) => t + p[key], 0);
    const messages = e.audit.published;
    const duplicateInvocations = sum('duplicateInvocations');
    const advice: EventsAdvice = {
      variant: v.variant.key,
      ackWaitMs: e.ackWaitMs,
      warmCallP99Ms,
      recommendedAckWaitMs: roundUp100(((coldStartP99Ms ?? 0) + warmCallP99Ms) * MARGIN),
      messages,
      invocations: sum('invocations'),
      duplicateInvocations,
      duplicateMessages: sum('duplicateMessages'),
      duplicateCostPerMillionMessages: messages > 0 ? ((duplicateInvocations * requestCost(warmCallMs, v.variant.memoryMb, prices)) / messages) * 1e6 : 0,
      maxAckPending: e.maxAckPending,
      capacity: v.variant.maxInstances * v.variant.instanceConcurrency,
    };
    if (coldStartP99Ms !== undefined) advice.coldStartP99Ms = coldStartP99Ms;
    return [advice];
  });
}

const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n).toLocaleString('en-US')} ms`);

/** The advice in sentences, for the terminal and the report. */
export function eventsAdviceText(a: EventsAdvice): string[] {
  const lines: string[] = [];
  const basis = a.coldStartP99Ms !== undefined ? `cold start P99 ${ms(a.coldStartP99Ms)} + warm call P99 ${ms(a.warmCallP99Ms)}, +20%` : `no cold start measured; warm call P99 ${ms(a.warmCallP99Ms)}, +20%`;
  const share = a.invocations > 0 ? Math.round((a.duplicateInvocations / a.invocations) * 100) : 0;
  if (a.duplicateInvocations > 0) {
    lines.push(
      `ack wait ${ms(a.ackWaitMs)} is too short: the function ran ${a.duplicateInvocations.toLocaleString('en-US')} extra time(s) for ${a.duplicateMessages.toLocaleString('en-US')} of ${a.messages.toLocaleString('en-US')} messages (${share}% of calls were duplicates, about $${a.duplicateCostPerMillionMessages.toFixed(2)} per million messages); use ackWaitMs ≥ ${ms(a.recommendedAckWaitMs)} (${basis}) and make the function idempotent`,
    );
  } else if (a.ackWaitMs > a.recommendedAckWaitMs * 4) {
    lines.push(`ack wait ${ms(a.ackWaitMs)} caused no duplicates; ${ms(a.recommendedAckWaitMs)} would too (${basis}) and lets a message whose call died come back sooner`);
  } else {
    lines.push(`ack wait ${ms(a.ackWaitMs)} caused no duplicates (the smallest that should: ${ms(a.recommendedAckWaitMs)}; ${basis})`);
  }
  if (a.maxAckPending > a.capacity) {
    lines.push(`maxAckPending ${a.maxAckPending} is above what the platform runs at once (maxInstances × concurrency = ${a.capacity}): up to ${a.maxAckPending - a.capacity} messages wait in the gateway's queue with their ack clock running; set maxAckPending to ${a.capacity}, or count that wait into the ack wait`);
  } else if (a.maxAckPending < a.capacity) {
    lines.push(`maxAckPending ${a.maxAckPending} is below the platform's ${a.capacity} concurrent calls: the trigger never uses more than ${a.maxAckPending} instances; raise it to ${a.capacity} if messages wait in the stream`);
  } else {
    lines.push(`maxAckPending ${a.maxAckPending} matches the platform's concurrent calls (maxInstances × concurrency)`);
  }
  return lines;
}
