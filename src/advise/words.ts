import type { Prices } from '../scenario/prices.js';
import type { Advice } from './index.js';
import type { MemoryAdvice, MemoryPick, MemoryRow } from './memory.js';
import type { WarmPoolAdvice, WarmPoolPrediction } from './warmPool.js';
import type { KeepAliveAdvice } from './keepAlive.js';
import type { PrewarmAdvice } from './prewarm.js';
import { formatCount, formatDuration, formatMs } from '../present/format.js';

// The sentences every view of the advice shares (terminal, HTML, Markdown), so they never say different things.

/** Money with enough digits to tell variants apart: $0.0075, $5.48, $1,234. */
export function formatMoney(amount: number, prices: Pick<Prices, 'currency'>): string {
  const abs = Math.abs(amount);
  // Unit prices are tiny (0.0000166667 per GB-s): below a cent, significant digits rather than decimals.
  const text =
    abs > 0 && abs < 0.01
      ? amount.toLocaleString('en-US', { maximumSignificantDigits: 6 })
      : amount.toLocaleString('en-US', { minimumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4, maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
  return prices.currency.length === 1 ? `${prices.currency}${text}` : `${text} ${prices.currency}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

export const percent = (share: number): string => (share >= 0.1 ? `${Math.round(share * 100)}%` : `${(share * 100).toFixed(1)}%`);

/** Which prices, from when: said next to every cost so nobody mistakes it for a bill. */
export function pricesLine(advice: Pick<Advice, 'prices' | 'pricesAreDefault'>): string {
  const p = advice.prices;
  const figures = `${formatMoney(p.gbSecond, p)}/GB-s, ${formatMoney(p.perMillionRequests, p)}/1M requests, provisioned ${formatMoney(p.provisionedGbSecond, p)}/GB-s + ${formatMoney(p.provisionedExecutedGbSecond, p)}/GB-s executed, billed per ${p.billingGranularityMs} ms${p.billInit ? ', init billed' : ', init not billed'}`;
  return `Prices: ${p.source}, as of ${p.asOf} (${figures}). An estimate to compare variants by, not a bill.`;
}

// A target is shown as the user wrote it (30, not 30.0).
const asWritten = (ms: number): string => String(Number(ms.toPrecision(6)));
const target = (met: boolean | undefined, ms: number | undefined): string => (met === undefined || ms === undefined ? '' : met ? `, meets the ${asWritten(ms)} ms target` : `, MISSES the ${asWritten(ms)} ms target`);

export function pickText(label: string, pick: MemoryPick, advice: MemoryAdvice, prices: Prices): string {
  const noise = pick.indistinguishable
    ? `; ${pick.indistinguishable.map((mb) => `${mb}`).join(', ')} MB are indistinguishable by P99 within this run's noise, so the cheapest of them${pick.repetitionsNeeded !== undefined ? `; about ${pick.repetitionsNeeded} repetitions would tell them apart` : ''}`
    : '';
  return `${label} ${pick.memoryMb} MB (${formatMoney(pick.perMillion, prices)}/1M requests, ${advice.p99Of} P99 ${formatMs(pick.p99Ms)} ms${target(pick.meetsTarget, advice.p99TargetMs)}${noise})`;
}

export function memoryHeading(m: MemoryAdvice): string {
  return `Memory size${m.context ? ` (${m.context})` : ''}: picks by ${m.p99Of === 'warm' ? 'warm' : 'all-request'} P99, balanced weight ${m.balancedWeight}`;
}

export function memoryPicksText(m: MemoryAdvice, prices: Prices): string[] {
  return [pickText('cheapest', m.picks.cheapest, m, prices), pickText('fastest', m.picks.fastest, m, prices), pickText(`balanced`, m.picks.balanced, m, prices)];
}

export const MEMORY_HEAD = ['memory', '$/1M req', 'billed ms', 'warm P50', 'warm P99', 'cold P50', 'cold P99', 'instance cold starts'];

export function memoryCells(r: MemoryRow, prices: Prices): string[] {
  const ms = (v: number | undefined): string => (v === undefined ? '—' : formatMs(v));
  return [`${r.memoryMb} MB`, formatMoney(r.cost.costPerMillionRequestsUsd, prices), formatMs(r.cost.billedMs), ms(r.warm?.p50Ms), ms(r.warm?.p99Ms), ms(r.cold?.p50Ms), ms(r.cold?.p99Ms), formatCount(r.instanceColdStarts)];
}

export function warmPoolText(w: WarmPoolAdvice, prices: Prices): string[] {
  const where = w.phase ? `phase "${w.phase}"` : 'every phase';
  const goal = w.criterion === 'p99-target' ? `keeps ${where} within the ${asWritten(w.p99TargetMs ?? 0)} ms P99 target` : `keeps ${where} free of cold starts`;
  const lines: string[] = [];
  const rec = w.recommendation;
  const chosen = rec ? w.predicted.find((p) => p.provisioned === rec.provisioned) : undefined;
  const none = w.predicted[0];
  if (!rec || !chosen) {
    const max = w.predicted.at(-1)?.provisioned ?? 0;
    lines.push(`No provisionedConcurrency up to maxInstances (${max}) ${goal}, measured or predicted: raise maxInstances, or judge one phase (advice.warmPoolPhase).`);
  } else if (rec.provisioned === 0) {
    lines.push(`No warm pool needed: provisioned 0 already ${goal} (${rec.basis}).`);
  } else {
    lines.push(
      `provisionedConcurrency ${rec.provisioned} ${goal} (${rec.basis}: ${plural(chosen.instanceColdStarts, 'instance cold start')} there, against ${formatCount(none?.instanceColdStarts ?? 0)} with ${none?.provisioned ?? 0}); ` +
        `it costs ${formatMoney(chosen.idleCostPerMonthUsd, prices)}/month allocated, idle or busy.`,
    );
  }
  const busy = w.rows.find((r) => r.provisioned === rec?.provisioned)?.utilization ?? w.rows.find((r) => r.utilization !== undefined)?.utilization;
  const breakEven = Number.isFinite(w.breakEvenUtilization) ? percent(w.breakEvenUtilization) : 'never';
  lines.push(
    `Break-even utilization ${breakEven}: above it provisioned capacity is cheaper than on-demand for the same work` +
      (busy === undefined ? '.' : `; this run kept the pool ${percent(busy)} busy, so it ${busy >= w.breakEvenUtilization ? 'also saves money' : 'buys latency, not savings'}.`),
  );
  return [...lines, ...w.notes];
}

export const WARM_POOL_HEAD = ['provisioned', 'basis', 'instance cold starts', 'P99 ms', 'idle $/month', 'meets'];

/** A row of the warm-pool table: a measured row carries the replay's figures in brackets, so the prediction can be judged. */
export function warmPoolCells(p: WarmPoolPrediction, prices: Prices): string[] {
  const replay = (measured: string, predicted: string | undefined): string => (predicted === undefined ? measured : `${measured} (replay ${predicted})`);
  return [
    String(p.provisioned),
    p.basis,
    replay(formatCount(p.instanceColdStarts), p.replayed ? formatCount(p.replayed.instanceColdStarts) : undefined),
    replay(p.p99Ms === undefined ? '—' : formatMs(p.p99Ms), p.replayed ? formatMs(p.replayed.p99Ms) : undefined),
    formatMoney(p.idleCostPerMonthUsd, prices),
    p.meets ? 'yes' : 'no',
  ];
}

export function keepAliveText(k: KeepAliveAdvice): string {
  const rec = k.recommendation;
  const advice =
    rec.keepAliveMs === k.measuredKeepAliveMs
      ? 'no longer keep-alive would save a cold start'
      : rec.keepAliveMs < k.measuredKeepAliveMs
        ? `keep-alive ${formatDuration(rec.keepAliveMs)} would have as few cold starts (${formatCount(rec.instanceColdStarts)}) with ${rec.idleGbSeconds.toFixed(2)} GB-s idle`
        : `keep-alive ${formatDuration(rec.keepAliveMs)} would have ${plural(rec.instanceColdStarts, 'instance cold start')} and ${rec.idleGbSeconds.toFixed(2)} GB-s idle`;
  return `keep-alive ${formatDuration(k.measuredKeepAliveMs)} measured ${plural(k.measured.instanceColdStarts, 'instance cold start')} (replay: ${formatCount(k.replayed.instanceColdStarts)}, ${formatCount(k.replayedRange.low)}–${formatCount(k.replayedRange.high)} in 90% of ${formatCount(k.replayedRange.replays)} replays) and ${k.measured.idleGbSeconds.toFixed(2)} GB-s idle (replay: ${k.replayed.idleGbSeconds.toFixed(2)}); recommended: ${advice}.${k.notes.map((n) => ` ${capitalized(n)}.`).join('')}`;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function keepAliveLabel(k: KeepAliveAdvice): string {
  return `${k.memoryMb} MB · provisioned ${k.provisioned}`;
}

export function prewarmText(p: PrewarmAdvice, prices: Prices): string {
  const fetch = p.fetchOffMs === undefined ? '' : ` (of which fetch ${formatMs(p.fetchOffMs)} ms)`;
  const billed = p.savedInitCostPerHour > 0 ? `, ${formatMoney(p.savedInitCostPerHour, prices)}/hour of billed init` : '';
  return (
    `${p.context ? `${p.context}: ` : ''}a warm cache saves ${formatMs(p.savedMsPerColdStart)} ms per cold start (${formatMs(p.coldStartOffMs)} → ${formatMs(p.coldStartOnMs)} ms${fetch}); ` +
    `at this run's ${formatCount(Math.round(p.coldStartsPerHour))} cold starts/hour that is ${p.savedSecondsPerHour.toFixed(1)} s/hour${billed}. Keeping it warm: ${p.keepWarm}.`
  );
}
