import type { TopLevelSpec } from 'vega-lite';
import type { TimelinePoint, VariantResult } from '../../results/model.js';
import { COLORS, CONFIG, PLOT_WIDTH } from '../../present/charts/theme.js';
import { TIME_TITLE, timeDomain } from './timeAxis.js';
import type { Chart } from '../../present/charts/render.js';
import { arrivalsPanel } from './arrivals.js';
import { bucketSeconds, bucketWords, minMaxThin, rangeBars } from './thin.js';

const LABEL = 'Load and instances';
const PANEL_HEIGHT = 80;

// Panels are plain objects: Vega-Lite checks the whole spec at compile time, and a test renders every panel.
type Panel = Record<string, unknown>;

const has = (timeline: TimelinePoint[], key: keyof TimelinePoint): boolean => timeline.some((p) => p[key] !== undefined);

/**
 * What the platform did each second, in panels over one time axis: requests completed (errors in red),
 * instances alive, and where the sampler read them, the instances' memory and CPU use.
 */
export function loadChart(v: VariantResult): Chart {
  const tl = v.timeline;
  if (tl.length === 0) return { label: LABEL, empty: 'No load over time: this variant recorded no timeline.' };
  const domain = timeDomain(v);
  // A long run draws stretches of `width` seconds: the plot has fewer pixels than seconds.
  const width = bucketSeconds(tl.length);
  const x = (last: boolean): Record<string, unknown> => ({
    scale: { domain, nice: false, zero: false },
    axis: last ? { title: TIME_TITLE, grid: false } : { title: null, labels: false, ticks: false, domain: false, grid: false },
  });
  const panels: Array<(last: boolean) => Panel> = [];

  // Errors are drawn over the requests they belong to, from zero: the red part of a bar is the share that failed.
  // Thinned, a bar is solid up to the stretch's quietest second and light up to its busiest; red up to its most errors.
  const first = tl[0]?.t ?? 0;
  const requests = rangeBars(tl.map((p) => p.requests), first, width);
  const errors = rangeBars(tl.map((p) => p.errors), first, width);
  const bars = [
    ...requests.map((b) => ({ t: b.t, t2: b.t2, kind: 'requests', n: width <= 1 ? b.hi : b.lo, base: 0, z: 0 })),
    ...(width <= 1 ? [] : requests.filter((b) => b.hi > b.lo).map((b) => ({ t: b.t, t2: b.t2, kind: 'busiest second', n: b.hi, base: b.lo, z: 1 }))),
    ...errors.filter((b) => b.hi > 0).map((b) => ({ t: b.t, t2: b.t2, kind: 'errors', n: b.hi, base: 0, z: 2 })),
  ];
  panels.push((last) => ({
    data: { values: bars },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 't', type: 'quantitative', ...x(last) },
      x2: { field: 't2' },
      y2: { field: 'base' },
      y: { field: 'n', type: 'quantitative', stack: null, axis: { title: 'requests/s', tickCount: 3, format: ',d' } },
      color: { field: 'kind', type: 'nominal', scale: { domain: ['requests', 'busiest second', 'errors'], range: [COLORS.requests, COLORS.requestsPeak, COLORS.errors] }, legend: null },
      order: { field: 'z', type: 'quantitative' },
    },
  }));

  const trace = arrivalsPanel(v, x, width);
  if (trace) panels.push(trace);

  // A level holds for its whole second: a step line, closed at the end of the last second.
  const last = tl[tl.length - 1];
  const levels = [...minMaxThin(tl, (p) => p.instances, width).map((p) => ({ t: p.t, n: p.instances })), ...(last ? [{ t: last.t + 1, n: last.instances }] : [])];
  panels.push((isLast) => ({
    data: { values: levels },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8, color: COLORS.instances },
    encoding: {
      x: { field: 't', type: 'quantitative', ...x(isLast) },
      y: { field: 'n', type: 'quantitative', scale: { domainMin: 0 }, axis: { title: 'instances', tickMinStep: 1, tickCount: 3, format: 'd' } },
    },
  }));

  if (has(tl, 'instancesMemoryBytes')) {
    panels.push((isLast) => ({
      data: { values: minMaxThin(tl, (p) => p.instancesMemoryBytes, width).map((p) => ({ t: p.t + 0.5, mib: p.instancesMemoryBytes === undefined ? null : p.instancesMemoryBytes / 1024 / 1024 })) },
      mark: { type: 'area', line: { color: COLORS.memory, strokeWidth: 1.5 }, color: COLORS.memory, opacity: 0.18, interpolate: 'linear', invalid: 'break-paths-show-domains' },
      encoding: {
        x: { field: 't', type: 'quantitative', ...x(isLast) },
        y: { field: 'mib', type: 'quantitative', axis: { title: 'memory, MiB', tickCount: 3, format: '~s' } },
      },
    }));
  }

  if (has(tl, 'instancesCpuUs')) {
    const throttled = has(tl, 'instancesThrottledUs');
    panels.push((isLast) => ({
      data: {
        values: [
          ...minMaxThin(tl, (p) => p.instancesCpuUs, width).map((p) => ({ t: p.t + 0.5, series: 'CPU used', cores: p.instancesCpuUs === undefined ? null : p.instancesCpuUs / 1e6 })),
          ...(throttled ? minMaxThin(tl, (p) => p.instancesThrottledUs, width).map((p) => ({ t: p.t + 0.5, series: 'throttled', cores: p.instancesThrottledUs === undefined ? null : p.instancesThrottledUs / 1e6 })) : []),
        ],
      },
      mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear', invalid: 'break-paths-show-domains' },
      encoding: {
        x: { field: 't', type: 'quantitative', ...x(isLast) },
        y: { field: 'cores', type: 'quantitative', axis: { title: 'CPU, cores', tickCount: 3, format: '~g' } },
        color: { field: 'series', type: 'nominal', scale: { domain: ['CPU used', 'throttled'], range: [COLORS.cpu, COLORS.throttled] }, legend: null },
        ...(throttled ? { strokeDash: { field: 'series', type: 'nominal', scale: { domain: ['CPU used', 'throttled'], range: [[1, 0], [4, 3]] }, legend: null } } : {}),
      },
    }));
  }

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: LABEL,
    spacing: 8,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
    vconcat: panels.map((panel, i) => ({ width: PLOT_WIDTH, height: PANEL_HEIGHT, ...panel(i === panels.length - 1) })),
  } as TopLevelSpec;
  const gauges = [
    has(tl, 'instancesMemoryBytes') ? 'memory' : '',
    has(tl, 'instancesCpuUs') ? `CPU time (in cores: CPU seconds per second${has(tl, 'instancesThrottledUs') ? '; dashed: time throttled by the CPU quota' : ''})` : '',
  ].filter(Boolean);
  const caption = `Per second: requests completed (errors in red)${trace ? ', the arrivals the trace replay scheduled, with the cold requests (counted in the second they completed),' : ''} and instances alive${gauges.length > 0 ? `; ${gauges.join(' and ')} of the live instances, summed over their cgroups` : ''}.${bucketWords(width)}`;
  return { label: LABEL, caption, spec };
}
