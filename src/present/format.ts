import type { VariantResult, PhaseResult, InstanceRecord } from '../results/model.js';
import type { Variant } from '../scenario/variant.js';
import { RUNTIME_KNOB_KEYS, knobOf } from '../scenario/knobs/index.js';
import type { RuntimeKnob } from '../scenario/knobs/knob.js';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Milliseconds with three significant digits (what an HDR histogram with 3 digits can vouch for):
 * 0.412, 4.12, 41.2, 412, 4,120. More digits would claim a precision the data does not have.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs === 0) return '0';
  if (abs < 1) return ms.toFixed(3);
  if (abs < 10) return ms.toFixed(2);
  if (abs < 100) return ms.toFixed(1);
  return grouped.format(ms);
}

/** Histograms hold integer microseconds; people read milliseconds. */
export function formatUs(us: number): string {
  return formatMs(us / 1000);
}

export function formatCount(n: number): string {
  return grouped.format(n);
}

export function formatRate(rate: number): string {
  return rate >= 100 || Number.isInteger(rate) ? grouped.format(rate) : rate.toFixed(1);
}

export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(mib >= 100 ? 0 : 1)} MiB`;
}

export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

// The runtime's own knobs a variant carries, in registry order.
const knobsOf = (v: Variant): Array<[RuntimeKnob, unknown]> => RUNTIME_KNOB_KEYS.flatMap((key) => (v[key] === undefined ? [] : [[knobOf(key), v[key]] as [RuntimeKnob, unknown]]));

/** The runtime with the knobs that set its variants apart: "container (crun)", "wasm (cached, reuse)". */
export function runtimeLabel(v: Variant): string {
  const words = knobsOf(v).flatMap(([k, value]) => k.label(value) ?? []);
  return words.length > 0 ? `${v.runtime} (${words.join(', ')})` : v.runtime;
}

/** The knobs of a variant as label/value pairs, in the order an engineer compares them. */
export function variantKnobs(v: Variant): Array<[string, string]> {
  return [
    ['runtime', v.runtime],
    ...knobsOf(v).map(([k, value]): [string, string] => [k.detail[0], k.detail[1](value)]),
    ['memory', `${v.memoryMb} MB`],
    ['cpus', `${v.cpus} vCPU`],
    ['provisioned', String(v.provisionedConcurrency)],
    ['prewarm', v.prewarm ? 'on' : 'off'],
    ['keep-alive', formatDuration(v.keepAliveMs)],
    ['concurrency', `${v.instanceConcurrency} / instance`],
    ['max instances', String(v.maxInstances)],
    ...(v.ackWaitMs !== undefined ? [['ack wait', formatDuration(v.ackWaitMs)] satisfies [string, string], ['max ack pending', String(v.maxAckPending ?? '')] satisfies [string, string]] : []),
    ['repetition', String(v.repetition)],
  ];
}

/** What the runtime found about its sandbox (e.g. gVisor's platform), as label/value pairs: "gvisor.platform" → "gvisor platform". */
export function sandboxKnobs(sandbox: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(sandbox ?? {}).map(([key, value]) => [key.replace(/\./g, ' '), value]);
}

/** The heading of a variant: what tells it apart from its neighbours at a glance. */
export function variantLabel(v: Variant): string {
  return `${runtimeLabel(v)} · ${v.memoryMb} MB · provisioned ${v.provisionedConcurrency} · prewarm ${v.prewarm ? 'on' : 'off'}`;
}

export const COLD_REASON_LABEL = { 'scale-out': 'scale-out', 'keepalive-expired': 'keep-alive expired' } as const;

/**
 * Instance cold starts that began during a phase, by reason: one per instance started for traffic (provisioned
 * ones excluded), however many requests waited on it. The last phase also takes starts after its end.
 */
export function instanceStartsIn(p: PhaseResult, phases: PhaseResult[], instances: InstanceRecord[]): Record<keyof typeof COLD_REASON_LABEL, number> {
  const out = { 'scale-out': 0, 'keepalive-expired': 0 };
  const last = phases.at(-1) === p;
  for (const i of instances) {
    if (i.coldReason === 'provisioned') continue;
    if (i.startedAtMs >= p.startMs && (last || i.startedAtMs < p.startMs + p.durationMs)) out[i.coldReason]++;
  }
  return out;
}

/** Requests that waited on a cold start, by reason, for a whole variant: the sum of its phases. */
export function coldStartsOf(v: VariantResult): Record<keyof typeof COLD_REASON_LABEL, number> {
  const out = { 'scale-out': 0, 'keepalive-expired': 0 };
  for (const p of v.phases) {
    out['scale-out'] += p.coldStarts['scale-out'];
    out['keepalive-expired'] += p.coldStarts['keepalive-expired'];
  }
  return out;
}
