import type { RunResult, VariantResult } from '../../results/model.js';
import { html, type SafeHtml } from '../escape.js';
import { latencyChart } from './latency.js';
import { loadChart } from './load.js';
import { overviewChart } from './overview.js';
import { renderFigure } from './render.js';

export interface RunCharts {
  overview: SafeHtml;
  variants: SafeHtml[];
}

/** A variant's charts, above its phase tables: latency over time, then load and instances. */
export async function renderVariantCharts(v: VariantResult, index: number): Promise<SafeHtml> {
  if (v.timeline.length === 0) {
    return html`<h3>Over time</h3><p class="none chart-none">No data over time: this variant recorded no timeline${v.status === 'failed' ? ' (it failed before load started)' : ''}.</p>`;
  }
  const latency = await renderFigure(latencyChart(v), `chart-${index + 1}-latency`);
  const load = await renderFigure(loadChart(v), `chart-${index + 1}-load`);
  return html`<h3>Over time</h3>${latency}${load}`;
}

/** Every chart of the report, drawn to static SVG one after another (each view is finalized before the next). */
export async function renderCharts(result: RunResult): Promise<RunCharts> {
  const overview = await renderFigure(overviewChart(result), 'chart-overview');
  const variants: SafeHtml[] = [];
  for (const [i, v] of result.variants.entries()) variants.push(await renderVariantCharts(v, i));
  return { overview, variants };
}
