import type { TopLevelSpec } from 'vega-lite';
import type { TimelinePoint, VariantResult } from '../../results/model.js';
import { bucketSeconds, minMaxThin } from './thin.js';
import { COLORS, CONFIG, PLOT_WIDTH, fitLabel, logAxis } from '../../present/charts/theme.js';
import { TIME_TITLE, timeDomain } from './timeAxis.js';
import type { Chart } from '../../present/charts/render.js';

const LABEL = 'Latency over time';

/** Phase bands: where each phase ran, shaded alternately and named where the band leaves room. */
export function phaseBands(v: VariantResult, domain: [number, number]): Array<{ start: number; end: number; label: string; odd: boolean }> {
  const pxPerSecond = PLOT_WIDTH / (domain[1] - domain[0]);
  return v.phases.map((p, i) => {
    const start = p.startMs / 1000;
    const end = (p.startMs + p.durationMs) / 1000;
    return { start, end, label: fitLabel(p.name, (end - start) * pxPerSecond - 6), odd: i % 2 === 1 };
  });
}

/**
 * P50 and P99 of each second (requests bucketed by when they completed) on a log scale, over the phases
 * that produced them, with the seconds that had cold starts marked: where a spike comes from, at a glance.
 */
export function latencyChart(v: VariantResult): Chart {
  const points = v.timeline.filter((p) => p.p50Us !== undefined || p.p99Us !== undefined);
  if (points.length === 0) return { label: LABEL, empty: 'No latency over time: no request completed in this variant.' };
  const domain = timeDomain(v);
  // A long run keeps each stretch's lowest and highest second per series: the plot has fewer pixels than seconds.
  const width = bucketSeconds(v.timeline.length);
  // A second without completed requests is a gap in the lines, not a zero (which a log scale cannot show).
  const series = (name: 'P50' | 'P99', us: (p: TimelinePoint) => number | undefined): Array<{ x: number; series: string; ms: number | null }> =>
    minMaxThin(v.timeline, us, width).map((p) => {
      const value = us(p);
      return { x: p.t + 0.5, series: name, ms: value === undefined ? null : Math.max(value, 1) / 1000 };
    });
  const latency = [...series('P50', (p) => p.p50Us), ...series('P99', (p) => p.p99Us)];
  const y = logAxis(latency.flatMap((r) => (r.ms === null ? [] : [r.ms])));
  const cold = coldMarks(v.timeline, width);
  const x = { scale: { domain, nice: false, zero: false }, axis: { title: TIME_TITLE, grid: false } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: LABEL,
    width: PLOT_WIDTH,
    height: 230,
    layer: [
      {
        data: { values: phaseBands(v, domain) },
        layer: [
          {
            // Translucent, so the grid shows through.
            mark: { type: 'rect', opacity: 0.7 },
            encoding: {
              x: { field: 'start', type: 'quantitative', ...x },
              x2: { field: 'end' },
              fill: { condition: { test: 'datum.odd', value: COLORS.bandA }, value: COLORS.bandB },
            },
          },
          {
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, fontSize: 10.5, color: COLORS.muted },
            encoding: { x: { field: 'start', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
          },
        ],
      },
      {
        data: { values: cold },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [3, 3], strokeWidth: 1.2, opacity: 0.7 },
            encoding: { x: { field: 'x', type: 'quantitative' }, color: { datum: 'cold starts' } },
          },
          {
            mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10, fontWeight: 600, color: COLORS.cold },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 230 }, text: { field: 'n' } },
          },
        ],
      },
      {
        data: { values: latency },
        mark: { type: 'line', strokeWidth: 1.8, interpolate: 'linear', invalid: 'break-paths-show-domains', point: v.timeline.length <= 120 ? { size: 14, filled: true } : false },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log', domain: y.domain, nice: false }, axis: { title: 'latency, ms (log)', format: ',~g', values: y.ticks } },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: ['P50', 'P99', 'cold starts'], range: [COLORS.p50, COLORS.p99, COLORS.cold] },
            legend: { title: null, direction: 'horizontal' },
          },
        },
      },
    ],
  };
  const caption =
    width <= 1
      ? 'P50 and P99 of the requests completed in each second, in ms from the intended send time (log scale). Phases are shaded; dashed lines mark the seconds with cold starts, with their count.'
      : `P50 and P99 of the requests completed in each second, in ms from the intended send time (log scale); of every ${width} s the lowest and highest second are drawn, so spikes stay visible. Phases are shaded; dashed lines mark the ${width}-s stretches with cold starts, with their count.`;
  return { label: LABEL, caption, spec };
}

// Seconds (or, thinned, stretches of `width` seconds) with cold starts: one mark at the first such second, with the count.
function coldMarks(timeline: readonly TimelinePoint[], width: number): Array<{ x: number; n: number }> {
  const marks: Array<{ x: number; n: number }> = [];
  for (let from = 0; from < timeline.length; from += width) {
    let n = 0;
    let first: TimelinePoint | undefined;
    for (let i = from; i < Math.min(timeline.length, from + width); i++) {
      const p = timeline[i]!;
      if (p.coldStarts > 0) first ??= p;
      n += p.coldStarts;
    }
    if (first) marks.push({ x: first.t + 0.5, n });
  }
  return marks;
}
