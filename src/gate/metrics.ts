import type { HistogramData, PhaseResult, VariantResult } from '../results/model.js';
import { mergedOf } from '../results/histogram.js';
import { DEFAULT_PRICES, type Prices } from '../scenario/prices.js';
import { STATS, type MetricUnit, type Stat } from '../scenario/metricNames.js';
export { METRIC_NAMES, isMetric, metricUnit, type MetricUnit } from '../scenario/metricNames.js';
import { billRuns } from '../billing/variantCost.js';

/** A metric's value over some phases of one variant: histograms added, counts summed. */
export type MetricReader = (name: string, phases: readonly PhaseResult[], runs: readonly VariantResult[], prices?: Prices) => number | undefined;

// Percentiles over several phases come from the added histograms, never from averaging the phases' own.
function histogramStat(items: ReadonlyArray<HistogramData | undefined>, stat: Stat): number | undefined {
  return mergedOf(items)?.[STATS[stat]];
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The value of `name` over `phases` (µs for latency, a fraction for rates, dollars for cost, priced with `prices`); undefined when there is nothing to measure. */
export const readMetric: MetricReader = (name, phases, runs, prices = DEFAULT_PRICES) => {
  const sent = sum(phases.map((p) => p.sent));
  if (name === 'coldStartRate') return sent === 0 ? undefined : sum(phases.map((p) => p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'])) / sent;
  if (name === 'errorRate') return sent === 0 ? undefined : sum(phases.map((p) => sum(Object.values(p.errors)))) / sent;
  if (name === 'cost.perMillion') {
    const all = runs.reduce((n, r) => n + r.phases.length, 0);
    return billRuns(runs, prices, phases.length === all ? undefined : (p) => phases.includes(p))?.costPerMillionRequestsUsd;
  }
  const [set, stat] = name.split('.') as [string, Stat];
  if (!(stat in STATS)) return undefined;
  if (set === 'init') return histogramStat(phases.map((p) => p.coldInit), stat);
  if (set === 'cold' || set === 'warm' || set === 'all') return histogramStat(phases.map((p) => p.latency[set]?.corrected), stat);
  return undefined;
};

/** A metric's value in words: "31.2 ms", "4.8%", "$1.93". */
export function formatMetric(value: number | undefined, unit: MetricUnit): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'ratio') return `${(value * 100).toFixed(value < 0.01 ? 3 : 1)}%`;
  if (unit === 'usd') return `$${value.toFixed(value < 1 ? 4 : 2)}`;
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(2)} s`;
  if (value >= 10_000) return `${(value / 1000).toFixed(0)} ms`;
  return `${(value / 1000).toFixed(2)} ms`;
}
