
/** The metrics a threshold or a gate can name (the input model's vocabulary); gate/metrics.ts reads their values. */

/** What a metric measures, which decides how its threshold values are written and shown. */
export type MetricUnit = 'us' | 'ratio' | 'usd';

export const START_SETS = ['cold', 'warm', 'all'] as const;
export const STATS = { p50: 'p50Us', p90: 'p90Us', p99: 'p99Us', p999: 'p999Us', max: 'maxUs', min: 'minUs', mean: 'meanUs' } as const;
export type Stat = keyof typeof STATS;

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

