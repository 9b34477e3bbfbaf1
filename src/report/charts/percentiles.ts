import type { TopLevelSpec } from 'vega-lite';
import type { VariantResult } from '../../results/model.js';
import { percentileCurve } from '../../results/histogram.js';
import { mergedOf } from '../../results/histogram.js';
import { COLORS, CONFIG, logAxis } from '../../present/charts/theme.js';
import type { Chart } from '../../present/charts/render.js';

const LABEL = 'Latency by percentile';
const TICKS = [1, 2, 10, 100, 1_000, 10_000, 100_000];
const TICK_LABEL: Record<number, string> = { 1: '0%', 2: '50%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%' };

/**
 * HdrHistogram's percentile plot: latency against 1/(1 − p) on a log axis, so the tail (99%, 99.9%) gets as
 * much room as the median; cold and warm requests apart, all phases of the variant merged.
 */
export function percentileChart(v: VariantResult): Chart {
  const series = (['warm', 'cold'] as const).flatMap((kind) => {
    const merged = mergedOf(v.phases.map((p) => p.latency[kind]?.corrected));
    return merged ? percentileCurve(merged).map((point) => ({ kind, inverse: point.inverse, percentile: point.percentile, ms: Math.max(point.us, 1) / 1000 })) : [];
  });
  if (series.length === 0) return { label: LABEL, empty: 'No latency to plot: no request completed in this variant.' };
  const y = logAxis(series.map((s) => s.ms));
  const maxInverse = Math.max(...series.map((s) => s.inverse));
  // The axis ends at the decade past the last point, so the tail is always inside the plot.
  const xMax = 10 ** Math.max(1, Math.ceil(Math.log10(maxInverse) - 1e-9));
  const ticks = TICKS.filter((t) => t <= xMax);
  const labelExpr = Object.entries(TICK_LABEL).map(([v, text]) => `datum.value == ${v} ? '${text}' : `).join('') + "''";
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: LABEL,
    width: 420,
    height: 230,
    data: { values: series },
    mark: { type: 'line', strokeWidth: 1.8, interpolate: 'step-after' },
    encoding: {
      x: { field: 'inverse', type: 'quantitative', scale: { type: 'log', domain: [1, xMax], nice: false }, axis: { title: 'percentile', values: ticks, labelExpr, grid: true } },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log', domain: y.domain, nice: false }, axis: { title: 'latency, ms (log)', format: ',~g', values: y.ticks } },
      color: { field: 'kind', type: 'nominal', scale: { domain: ['warm', 'cold'], range: [COLORS.warm, COLORS.cold] }, legend: { title: null, direction: 'horizontal' } },
    },
  };
  return { label: LABEL, caption: 'Latency (ms, from the intended send time) at each percentile, as HdrHistogram plots it: the x axis is 1/(1 − percentile) on a log scale. Cold and warm requests apart, all phases merged.', spec };
}
