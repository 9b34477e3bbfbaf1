import type { TopLevelSpec } from 'vega-lite';
import type { TimelinePoint, VariantResult } from '../../results/model.js';
import { COLORS, CONFIG, PLOT_WIDTH } from './theme.js';
import { TIME_TITLE, timeDomain } from './timeAxis.js';
import type { Chart } from './render.js';
import { arrivalsPanel } from './arrivals.js';

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
  const x = (last: boolean): Record<string, unknown> => ({
    scale: { domain, nice: false, zero: false },
    axis: last ? { title: TIME_TITLE, grid: false } : { title: null, labels: false, ticks: false, domain: false, grid: false },
  });
  const panels: Array<(last: boolean) => Panel> = [];

  // Errors are drawn over the requests they belong to, from zero: the red part of a bar is the share that failed.
  panels.push((last) => ({
    data: { values: tl.flatMap((p) => [{ t: p.t + 0.08, t2: p.t + 0.92, kind: 'requests', n: p.requests }, ...(p.errors > 0 ? [{ t: p.t + 0.08, t2: p.t + 0.92, kind: 'errors', n: p.errors }] : [])]) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 't', type: 'quantitative', ...x(last) },
      x2: { field: 't2' },
      y2: { datum: 0 },
      y: { field: 'n', type: 'quantitative', stack: null, axis: { title: 'requests/s', tickCount: 3, format: ',d' } },
      color: { field: 'kind', type: 'nominal', scale: { domain: ['requests', 'errors'], range: [COLORS.requests, COLORS.errors] }, legend: null },
      order: { field: 'kind', sort: 'descending' },
    },
  }));

  const trace = arrivalsPanel(v, x);
  if (trace) panels.push(trace);

  // A level holds for its whole second: a step line, closed at the end of the last second.
  const last = tl[tl.length - 1];
  const levels = [...tl.map((p) => ({ t: p.t, n: p.instances })), ...(last ? [{ t: last.t + 1, n: last.instances }] : [])];
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
      data: { values: tl.map((p) => ({ t: p.t + 0.5, mib: p.instancesMemoryBytes === undefined ? null : p.instancesMemoryBytes / 1024 / 1024 })) },
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
        values: tl.flatMap((p) => [
          { t: p.t + 0.5, series: 'CPU used', cores: p.instancesCpuUs === undefined ? null : p.instancesCpuUs / 1e6 },
          ...(throttled ? [{ t: p.t + 0.5, series: 'throttled', cores: p.instancesThrottledUs === undefined ? null : p.instancesThrottledUs / 1e6 }] : []),
        ]),
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
  const caption = `Per second: requests completed (errors in red)${trace ? ', the arrivals the trace replay scheduled, with the cold requests (counted in the second they completed),' : ''} and instances alive${gauges.length > 0 ? `; ${gauges.join(' and ')} of the live instances, summed over their cgroups` : ''}.`;
  return { label: LABEL, caption, spec };
}
