import type { HistogramData, PhaseResult, VariantResult } from '../results/model.js';
import { mergeData } from '../results/histogram.js';
import { DEFAULT_PRICES, type Prices } from '../advise/cost.js';
import { costPerMillion } from './cost.js';

/** What a metric measures, which decides how its threshold values are written and shown. */
export type MetricUnit = 'us' | 'ratio' | 'usd';

const START_SETS = ['cold', 'warm', 'all'] as const;
const STATS = { p50: 'p50Us', p90: 'p90Us', p99: 'p99Us', p999: 'p999Us', max: 'maxUs', min: 'minUs', mean: 'meanUs' } as const satisfies Record<string, keyof HistogramData>;
type Stat = keyof typeof STATS;

/** Every metric a threshold or a gate can name, e.g. warm.p99, cold.p50, coldStartRate. */
export const METRIC_NAMES: readonly string[] = [
  ...START_SETS.flatMap((set) => Object.keys(STATS).map((stat) => `${set}.${stat}`)),
  ...Object.keys(STATS).map((stat) => `init.${stat}`),
  'coldStartRate',
  'errorRate',
  'cost.perMillion',
];

export function metricUnit(name: string): MetricUnit {
  if (name === 'coldStartRate' || name === 'errorRate') return 'ratio';
  if (name === 'cost.perMillion') return 'usd';
  return 'us';
}

export const isMetric = (name: string): boolean => METRIC_NAMES.includes(name);

/** A metric's value over some phases of one variant: histograms added, counts summed. */
export type MetricReader = (name: string, phases: readonly PhaseResult[], variant: VariantResult, prices?: Prices) => number | undefined;

// Percentiles over several phases come from the added histograms, never from averaging the phases' own.
function histogramStat(items: ReadonlyArray<HistogramData | undefined>, stat: Stat): number | undefined {
  const present = items.filter((h): h is HistogramData => h !== undefined && h.count > 0);
  if (present.length === 0) return undefined;
  const merged = present.length === 1 ? present[0]! : mergeData(present);
  return merged[STATS[stat]];
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The value of `name` over `phases` (µs for latency, a fraction for rates, dollars for cost, priced with `prices`); undefined when there is nothing to measure. */
export const readMetric: MetricReader = (name, phases, variant, prices = DEFAULT_PRICES) => {
  const sent = sum(phases.map((p) => p.sent));
  if (name === 'coldStartRate') return sent === 0 ? undefined : sum(phases.map((p) => p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'])) / sent;
  if (name === 'errorRate') return sent === 0 ? undefined : sum(phases.map((p) => sum(Object.values(p.errors)))) / sent;
  if (name === 'cost.perMillion') return costPerMillion(variant, phases, prices);
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
