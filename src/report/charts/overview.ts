import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../../results/model.js';
import { formatUs } from '../../present/format.js';
import { mergedOf } from '../../results/histogram.js';
import { distinguishingLabels } from '../overview.js';
import { COLORS, CONFIG, logAxis } from '../../present/charts/theme.js';
import type { Chart } from '../../present/charts/render.js';

const LABEL = 'Warm and cold latency by variant';
const SERIES = ['warm P50', 'warm P99', 'cold P50', 'cold P99'] as const;

/**
 * Warm and cold P50/P99 of every variant side by side on a log scale (a cold start is often a hundred
 * times a warm request), from histograms merged over the variant's phases as in the overview table.
 */
export function overviewChart(result: RunResult): Chart {
  const labels = distinguishingLabels(result.variants);
  const rows = result.variants.flatMap((v, i) => {
    const variant = `${i + 1}. ${labels[i] ?? v.variant.id}`;
    const warm = mergedOf(v.phases.map((p) => p.latency.warm?.corrected));
    const cold = mergedOf(v.phases.map((p) => p.latency.cold?.corrected));
    const figures: Array<[(typeof SERIES)[number], number | undefined]> = [
      ['warm P50', warm?.p50Us],
      ['warm P99', warm?.p99Us],
      ['cold P50', cold?.p50Us],
      ['cold P99', cold?.p99Us],
    ];
    return figures.flatMap(([series, us]) => (us === undefined ? [] : [{ variant, series, ms: Math.max(us, 1) / 1000, text: formatUs(us) }]));
  });
  if (rows.length === 0) return { label: LABEL, empty: 'No latency to compare: no variant completed a request.' };
  // Every variant keeps its row, so the numbering matches the table; one without figures says so.
  const variants = result.variants.map((v, i) => `${i + 1}. ${labels[i] ?? v.variant.id}`);
  const missing = variants.filter((name) => !rows.some((r) => r.variant === name)).map((variant) => ({ variant, note: 'no latency recorded' }));
  const x = logAxis(rows.map((r) => r.ms));
  const y = { field: 'variant', type: 'nominal', sort: variants, scale: { domain: variants }, axis: { title: null, labelLimit: 320, labelFontSize: 11.5, labelColor: COLORS.ink } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: LABEL,
    width: 760,
    height: variants.length * 52,
    layer: [
      {
        data: { values: rows },
        encoding: {
          y,
          yOffset: { field: 'series', type: 'nominal', sort: [...SERIES], scale: { domain: [...SERIES], paddingInner: 0.08 } },
          x: { field: 'ms', type: 'quantitative', stack: null, scale: { type: 'log', domain: x.domain, nice: false }, axis: { title: 'latency, ms (log)', format: ',~g', values: x.ticks, grid: true } },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: [...SERIES], range: [COLORS.warmLight, COLORS.warm, COLORS.coldLight, COLORS.cold] },
            legend: { title: null, direction: 'horizontal' },
          },
        },
        layer: [
          { mark: { type: 'bar' } },
          { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: COLORS.muted }, encoding: { text: { field: 'text' } } },
        ],
      },
      {
        data: { values: missing },
        mark: { type: 'text', align: 'left', x: 4, fontSize: 11, color: COLORS.faint, fontStyle: 'italic' },
        encoding: { y, text: { field: 'note' } },
      },
    ],
  };
  return { label: LABEL, caption: 'Milliseconds from the intended send time, all phases of a variant together (histograms merged), log scale.', spec };
}
