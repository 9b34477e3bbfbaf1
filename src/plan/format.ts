import type { CandidateTable, Prediction } from './plan.js';
import type { Validation } from './validate.js';
import type { Range } from './replayRun.js';
import { textTable } from '../present/textTable.js';
import { formatCount, formatMs } from '../present/format.js';
import { formatMs as formatDuration } from '../util/duration.js';

const pct = (p: number): string => `${(p * 100).toFixed(p < 0.01 ? 3 : 2)}%`;
const money = (value: number, currency: string): string => `${currency}${value < 0.01 ? value.toPrecision(3) : value.toFixed(2)}`;
const signed = (e: number): string => (Number.isFinite(e) ? `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)}%` : 'n/a');

/** One prediction in a few lines a person reads top to bottom. */
export function formatPrediction(p: Prediction): string {
  return [
    `  cold-start probability  ${pct(p.coldStartProbability)}  (${formatCount(p.coldRequests)} of ${formatCount(p.requests)} requests; ${formatCount(p.instanceStarts)} instance starts)`,
    `  response time           P50 ${formatMs(p.p50Ms)} ms  P90 ${formatMs(p.p90Ms)} ms  P99 ${formatMs(p.p99Ms)} ms  mean ${formatMs(p.meanMs)} ms  (waiting for an instance: mean ${formatMs(p.meanWaitMs)} ms)`,
    `  instances (mean)        ${p.meanInstances.toFixed(2)} alive = ${p.meanRunningInstances.toFixed(2)} running + ${p.meanIdleInstances.toFixed(2)} idle  (peak ${p.peakInstances})`,
    `  cost at ${p.memoryMb} MB         ${p.cost.gbSeconds.toFixed(1)} GB-s executed${p.cost.provisionedGbSeconds > 0 ? ` + ${p.cost.provisionedGbSeconds.toFixed(1)} GB-s provisioned` : ''} over ${formatDuration(p.horizonS * 1000)}: ${money(p.cost.perMillionRequests, p.cost.currency)} per million requests, ${money(p.cost.perHour, p.cost.currency)} per hour`,
    `                          (${p.cost.prices}: an estimate, not a bill)`,
  ].join('\n');
}

/** The candidates, cheapest first, with the pick marked. */
export function formatCandidates(table: CandidateTable): string {
  const sorted = [...table.rows].sort((a, b) => a.cost.perMillionRequests - b.cost.perMillionRequests);
  const currency = sorted[0]?.cost.currency ?? '$';
  const head = ['', 'memory MB', 'provisioned', 'keep-alive', 'cold starts', 'P50 ms', 'P99 ms', 'instances', `${currency}/M req`, `${currency}/hour`, ...(table.p99TargetMs !== undefined ? ['P99 target'] : [])];
  const rows = sorted.map((r) => [
    r === table.best ? '▶' : '',
    String(r.memoryMb),
    String(r.provisioned),
    formatDuration(r.keepAliveMs),
    pct(r.coldStartProbability),
    formatMs(r.p50Ms),
    formatMs(r.p99Ms),
    r.meanInstances.toFixed(2),
    money(r.cost.perMillionRequests, currency),
    money(r.cost.perHour, currency),
    ...(r.meetsTarget === undefined ? [] : [r.meetsTarget ? 'meets' : 'misses']),
  ]);
  const best = table.best;
  const verdict = best
    ? `cheapest${table.p99TargetMs !== undefined ? ` meeting P99 ≤ ${formatMs(table.p99TargetMs)} ms` : ''}: ${best.memoryMb} MB, ${best.provisioned} provisioned, keep-alive ${formatDuration(best.keepAliveMs)} — P99 ${formatMs(best.p99Ms)} ms, ${money(best.cost.perMillionRequests, currency)} per million requests`
    : `no candidate meets P99 ≤ ${formatMs(table.p99TargetMs ?? 0)} ms: widen the ranges (more provisioned instances, a longer keep-alive, more memory)`;
  return `${textTable([head, ...rows], ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'])}\n${verdict}`;
}

/** Predicted against measured, per variant, with the relative error. */
export function formatValidation(validations: Validation[]): string {
  const rows: string[][] = [['variant', 'figure', 'predicted', 'replays 5–95%', 'measured', 'error']];
  const skipped: string[] = [];
  // A note every compared variant shares is said once.
  const byNote = new Map<string, string[]>();
  for (const v of validations) if (v.predicted) for (const n of v.notes ?? []) byNote.set(n, [...(byNote.get(n) ?? []), v.variant]);
  const compared = validations.filter((v) => v.predicted).length;
  const notes = [...byNote].map(([n, vs]) => `  ${vs.length === compared && compared > 1 ? 'every variant' : vs.join(', ')}: ${n}`);
  for (const v of validations) {
    if (!v.predicted || !v.spread || !v.measured || !v.error) {
      skipped.push(`  ${v.variant}: skipped, ${v.skipped ?? 'nothing to compare'}`);
      continue;
    }
    const s = v.spread;
    const band = (r: Range, show: (n: number) => string): string => `${show(r.low)}–${show(r.high)}`;
    const instances = (n: number): string => n.toFixed(2);
    rows.push([v.variant, 'cold-start rate', pct(s.coldStartProbability.median), band(s.coldStartProbability, pct), pct(v.measured.coldStartProbability), signed(v.error.coldStartProbability)]);
    rows.push(['', 'P99 ms', formatMs(s.p99Ms.median), band(s.p99Ms, formatMs), formatMs(v.measured.p99Ms), v.error.p99Ms === undefined ? 'see note' : signed(v.error.p99Ms)]);
    rows.push(['', 'mean instances', instances(s.meanInstances.median), band(s.meanInstances, instances), instances(v.measured.meanInstances), signed(v.error.meanInstances)]);
  }
  const counts = [...new Set(validations.flatMap((v) => (v.spread ? [v.spread.replays] : [])))].sort((a, b) => a - b);
  const replays = counts.length === 1 ? `${counts[0]}` : counts.length > 1 ? `${counts[0]}–${counts.at(-1)}` : undefined;
  // Long runs take fewer replays (replaysFor): their many arrivals average the draws out already.
  const how = replays ? [`  predicted: the median of ${replays} replays (seeds), each drawing warm service times anew; the range holds 90% of them`] : [];
  return [textTable(rows, ['left', 'left', 'right', 'right', 'right', 'right']), ...how, ...notes, ...skipped].join('\n');
}
