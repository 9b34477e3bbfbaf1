import type { TopLevelSpec } from 'vega-lite';
import { COLORS, CONFIG } from './theme.js';

/** One segment of one bar: which bar, which part of it, its place in the stack, its length in ms. */
export interface StackedSegment {
  bar: string;
  part: string;
  order: number;
  ms: number;
}

/**
 * Horizontal bars stacked from parts, one bar per row in the given order, parts coloured by name: the shape of
 * the cold-start breakdown and of the event stages, where the parts add up to the whole.
 */
export function stackedBarsSpec(o: {
  title: string;
  segments: readonly StackedSegment[];
  bars: readonly string[];
  rowHeight: number;
  labelLimit: number;
  xTitle: string;
  xFormat: string;
  parts: readonly string[];
  colors: readonly string[];
  legendLabelLimit?: number;
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: o.title,
    width: 760,
    height: o.bars.length * o.rowHeight,
    data: { values: [...o.segments] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'bar', type: 'nominal', sort: [...o.bars], axis: { title: null, labelLimit: o.labelLimit, maxExtent: o.labelLimit, labelColor: COLORS.ink } },
      x: { field: 'ms', type: 'quantitative', stack: 'zero', axis: { title: o.xTitle, format: o.xFormat } },
      order: { field: 'order', type: 'quantitative' },
      color: {
        field: 'part',
        type: 'nominal',
        scale: { domain: [...o.parts], range: [...o.colors] },
        legend: { title: null, direction: 'horizontal', ...(o.legendLabelLimit ? { labelLimit: o.legendLabelLimit } : {}) },
      },
    },
  };
}
