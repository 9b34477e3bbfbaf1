import type { RunResult, VariantResult } from '../../results/model.js';
import { advise, type Advice } from '../../advise/index.js';
import { html, type SafeHtml } from '../../present/escape.js';
import { latencyChart } from './latency.js';
import { loadChart } from './load.js';
import { overviewChart } from './overview.js';
import { percentileChart } from './percentiles.js';
import { initBreakdownChart } from './initBreakdown.js';
import { eventStagesChart } from './eventStages.js';
import { costP99Chart, keepAliveChart } from './advice.js';
import { renderFigure } from '../../present/charts/render.js';

export interface RunCharts {
  overview: SafeHtml;
  /** Cold-start steps across variants, below the overview. */
  initBreakdown: SafeHtml;
  /** Event phases' stages across variants (empty without event phases). */
  eventStages: SafeHtml;
  /** The Recommendations section's: cost against P99 by memory size, the keep-alive curve. */
  costP99: SafeHtml;
  keepAlive: SafeHtml;
  variants: SafeHtml[];
}

/** A variant's charts, above its phase tables: latency over time, then load and instances, then latency by percentile. */
export async function renderVariantCharts(v: VariantResult, index: number): Promise<SafeHtml> {
  const percentiles = await renderFigure(percentileChart(v), `chart-${index + 1}-percentiles`);
  if (v.timeline.length === 0) {
    return html`<h3>Over time</h3><p class="none chart-none">No data over time: this variant recorded no timeline${v.status === 'failed' ? ' (it failed before load started)' : ''}.</p>${percentiles}`;
  }
  const latency = await renderFigure(latencyChart(v), `chart-${index + 1}-latency`);
  const load = await renderFigure(loadChart(v), `chart-${index + 1}-load`);
  return html`<h3>Over time</h3>${latency}${load}<h3>By percentile</h3>${percentiles}`;
}

/** Every chart of the report, drawn to static SVG one after another (each view is finalized before the next). */
export async function renderCharts(result: RunResult, advice: Advice = advise(result)): Promise<RunCharts> {
  const costP99 = advice.memory.length > 0 ? await renderFigure(costP99Chart(advice), 'chart-cost-p99') : html``;
  const keepAlive = advice.keepAlive.length > 0 ? await renderFigure(keepAliveChart(advice), 'chart-keepalive') : html``;
  const overview = await renderFigure(overviewChart(result), 'chart-overview');
  const initBreakdown = await renderFigure(initBreakdownChart(result), 'chart-init-breakdown');
  const eventStages = result.variants.some((v) => v.events) ? await renderFigure(eventStagesChart(result), 'chart-event-stages') : html``;
  const variants: SafeHtml[] = [];
  for (const [i, v] of result.variants.entries()) variants.push(await renderVariantCharts(v, i));
  return { overview, initBreakdown, eventStages, costP99, keepAlive, variants };
}
