import type { Config } from 'vega-lite';

// Colours and type follow styles.ts, so charts read as part of the report rather than pasted in.
export const COLORS = {
  ink: '#1b2230',
  muted: '#5f6b7a',
  faint: '#8b95a3',
  line: '#e6e9ee',
  cold: '#2563eb',
  coldLight: '#93b4f5',
  warm: '#d9480f',
  warmLight: '#f4a36f',
  p50: '#0e9384',
  p99: '#7f56d9',
  requests: '#b8c0cc',
  requestsPeak: '#dde1e7',
  errors: '#b42318',
  instances: '#344054',
  memory: '#0e9384',
  cpu: '#7f56d9',
  throttled: '#b54708',
  bandA: '#f2f4f7',
  bandB: '#fafbfc',
} as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif';

/**
 * Plot width shared by every time chart, with a fixed y-axis extent, so the time axes of a variant's
 * charts line up one above the other. Chart and axes come to about the report card's inner width.
 */
export const PLOT_WIDTH = 900;

export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: { left: 4, right: 12, top: 4, bottom: 4 },
  view: { stroke: COLORS.line },
  title: { anchor: 'start', fontSize: 13, fontWeight: 600, color: COLORS.ink, offset: 10, subtitleColor: COLORS.muted, subtitleFontSize: 11 },
  axis: {
    labelColor: COLORS.muted,
    titleColor: COLORS.muted,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 500,
    gridColor: COLORS.line,
    domainColor: '#c5cbd3',
    tickColor: '#c5cbd3',
  },
  axisY: { minExtent: 48, maxExtent: 48, titlePadding: 8 },
  legend: { orient: 'top', labelColor: COLORS.muted, labelFontSize: 11, titleFontSize: 11, titleColor: COLORS.muted, symbolStrokeWidth: 2 },
};

/** Keeps a label within a width in pixels (text is measured by estimate here, so roughly 6.2 px per character). */
export function fitLabel(label: string, px: number): string {
  const chars = Math.floor(px / 6.2);
  if (chars < 2) return '';
  return label.length <= chars ? label : `${label.slice(0, chars - 1)}…`;
}

/**
 * A log scale's domain widened to whole decades and its tick values: decades, with 2 and 5 between them
 * when the data spans few decades. Vega's own log ticks draw a grid line at every 2…9, a hatching.
 */
export function logAxis(values: number[]): { domain: [number, number]; ticks: number[] } {
  // A loop, not Math.min(...values): days of per-second points would overflow the call stack.
  let min = 1;
  let max = 1;
  for (const v of values) {
    if (!Number.isFinite(v) || v <= 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  const steps = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) for (const s of steps) if (e < hi || s === 1) ticks.push(Number((s * 10 ** e).toPrecision(3)));
  return { domain: [10 ** lo, 10 ** hi], ticks };
}
