import { resolve } from 'node:path';
import type { RunResult } from '../results/model.js';
import { mergeData } from '../results/histogram.js';
import { constantOffsets } from '../load/schedule.js';
import { resolveTrace } from '../scenario/trace/schedule.js';
import { TraceError } from '../scenario/trace/problems.js';
import type { TraceSelector } from '../scenario/trace/select.js';
import type { Spread } from '../scenario/trace/spread.js';
import { fixed, fromHistogram, parseDistribution, type Distribution } from './distribution.js';
import { fromOffsets, poissonArrivals } from './arrivals.js';
import { numberFlag, usage, type PlanFlags } from './options.js';
import { serviceHistograms } from './measured.js';
import { judgedWindow } from './replay.js';

export interface ArrivalPlan {
  make(): () => number;
  horizonUs?: number;
  label: string;
}

const isSpread = (s: string): s is Spread => s === 'poisson' || s === 'uniform' || s === 'equidistant';

function selector(text: string | undefined): TraceSelector {
  if (text === undefined) return { rank: 1 };
  if (text === 'all') return 'all';
  const [kind, value = ''] = text.split(':');
  if (kind === 'rank' && /^\d+$/.test(value) && Number(value) >= 1) return { rank: Number(value) };
  if (kind === 'hash' && value !== '') return { hash: value };
  throw usage(`--select: "${text}" is not a selector`, 'write rank:N (N-th busiest function), hash:PREFIX or all');
}

/** Arrivals from --rate (Poisson or constant) or from --trace (with the trace phase's own options). */
export function arrivalPlan(flags: PlanFlags, cwd: string, seed: number): ArrivalPlan {
  if (flags.trace !== undefined && flags.rate !== undefined) throw usage('give --rate or --trace, not both', 'a trace brings its own arrival rate');
  if (flags.trace !== undefined) {
    const spread = flags.spread ?? 'poisson';
    if (!isSpread(spread)) throw usage(`--spread: "${spread}" is not a spread`, 'poisson, uniform or equidistant');
    const phase = {
      kind: 'trace' as const,
      file: resolve(cwd, flags.trace),
      select: selector(flags.select),
      spread,
      compress: numberFlag(flags.compress, '--compress', { min: 1, max: 3600, fallback: 1 }),
      seed,
      ...(flags.fromMinute !== undefined ? { fromMinute: numberFlag(flags.fromMinute, '--from-minute', { min: 1, max: 20_160, int: true }) } : {}),
      ...(flags.toMinute !== undefined ? { toMinute: numberFlag(flags.toMinute, '--to-minute', { min: 1, max: 20_160, int: true }) } : {}),
    };
    const outcome = resolveTrace(phase);
    if ('fileProblems' in outcome) throw new TraceError(outcome.fileProblems);
    if ('selection' in outcome) throw usage(outcome.selection.message, outcome.selection.hint);
    const { replay } = outcome;
    return { make: () => fromOffsets(replay.offsetsUs), horizonUs: replay.durationMs * 1000, label: `trace ${flags.trace}, ${replay.label}, minutes ${replay.fromMinute}–${replay.toMinute}, ${replay.offsetsUs.length} arrivals` };
  }
  const rate = numberFlag(flags.rate, '--rate', { min: 1e-6, max: 1e6 });
  const requests = numberFlag(flags.requests, '--requests', { min: 1, max: 50_000_000, int: true, fallback: 100_000 });
  if (flags.process === 'constant') return { make: () => fromOffsets(constantOffsets(rate, requests / rate)), label: `constant ${rate}/s, ${requests} requests` };
  if (flags.process !== undefined && flags.process !== 'poisson') throw usage(`--process: "${flags.process}" is not an arrival process`, 'poisson (default) or constant');
  return { make: () => poissonArrivals(rate, requests, seed ^ 0x5eed), label: `Poisson ${rate}/s, ${requests} requests` };
}

/** Service times: given directly, or a results file's warm and cold histograms per memory size. */
export function serviceSource(flags: PlanFlags, results: RunResult | undefined): { service(memoryMb: number): { warm: Distribution; cold: Distribution }; memorySizes: number[]; label: string } {
  if (results) {
    const usable = results.variants.filter((v) => v.status === 'completed');
    if (usable.length === 0) {
      const invalid = results.variants.flatMap((v) => (v.status === 'invalid' ? [v.invalidReasons[0] ?? 'invalid'] : []));
      const why = invalid.length > 0 ? ` (${invalid.length} invalid, e.g. ${invalid[0]})` : '';
      throw usage(`the results file has no completed variant to take service times from${why}`, 'service times measured while the load generator lagged are not trusted: run the scenario again on a quieter host, or give --warm-ms and --cold-ms');
    }
    const sizes = [...new Set(usable.map((v) => v.variant.memoryMb))].sort((a, b) => a - b);
    const bySize = new Map(sizes.map((mb) => {
      const parts = usable.filter((v) => v.variant.memoryMb === mb).map((v) => serviceHistograms(v, judgedWindow(v).phases));
      const warm = parts.flatMap((p) => (p.warm ? [p.warm] : []));
      const cold = parts.flatMap((p) => (p.cold ? [p.cold] : []));
      if (warm.length === 0 || cold.length === 0) throw usage(`the results have no ${warm.length === 0 ? 'warm' : 'cold'} latencies at ${mb} MB`, 'run a scenario with both cold starts and warm requests (e.g. scenarios/capacity-planning.yaml)');
      return [mb, { warm: fromHistogram(mergeData(warm), `warm at ${mb} MB`), cold: fromHistogram(mergeData(cold), `cold at ${mb} MB`) }] as const;
    }));
    return {
      service: (mb) => {
        const found = bySize.get(mb);
        if (!found) throw usage(`--memory ${mb}: the results file measured ${sizes.join(', ')} MB only`, 'pick memory sizes the results measured, or give --warm-ms and --cold-ms');
        return found;
      },
      memorySizes: sizes,
      label: `measured in ${results.runId}`,
    };
  }
  const warm = flags.warmDist !== undefined ? parseDistribution(flags.warmDist, '--warm-dist') : fixed(numberFlag(flags.warmMs, '--warm-ms', { min: 0, max: 3_600_000 }));
  const cold = flags.coldDist !== undefined ? parseDistribution(flags.coldDist, '--cold-dist') : fixed(numberFlag(flags.coldMs, '--cold-ms', { min: 0, max: 3_600_000 }));
  return { service: () => ({ warm, cold }), memorySizes: [], label: `warm ${warm.label}, cold ${cold.label}` };
}
