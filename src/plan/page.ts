import type { CandidateTable } from './plan.js';
import { writeFileAtomic } from '../results/store.js';
import { escapeHtml } from '../present/escape.js';
import { renderFigure } from '../present/charts/render.js';
import { candidatesChart } from './chart.js';

/** A small self-contained page: the candidates table and the cost/P99 chart (inline SVG, no script). */
export async function writePlanPage(file: string, table: CandidateTable, context: { arrivals: string; service: string; seed: number }): Promise<void> {
  const rows = [...table.rows]
    .sort((a, b) => a.cost.perMillionRequests - b.cost.perMillionRequests)
    .map((r) => `<tr${r === table.best ? ' class="best"' : ''}><td>${r.memoryMb}</td><td>${r.provisioned}</td><td>${r.keepAliveMs / 1000} s</td><td>${(r.coldStartProbability * 100).toFixed(3)}%</td><td>${r.p99Ms.toFixed(1)}</td><td>${r.meanInstances.toFixed(2)}</td><td>${r.cost.currency}${r.cost.perMillionRequests.toFixed(4)}</td><td>${r.meetsTarget === undefined ? '' : r.meetsTarget ? 'meets' : 'misses'}</td></tr>`)
    .join('\n');
  const chart = await renderFigure(candidatesChart(table), 'plan-candidates');
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>coldlab plan</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}tr.best{background:#e6f4ea;font-weight:600}</style></head><body>
<h1>coldlab plan</h1><p>${escapeHtml(context.arrivals)} · ${escapeHtml(context.service)} · seed ${context.seed}</p>
<table><thead><tr><th>memory MB</th><th>provisioned</th><th>keep-alive</th><th>cold starts</th><th>P99 ms</th><th>instances</th><th>cost / M requests</th><th>P99 target</th></tr></thead><tbody>
${rows}
</tbody></table>
${chart.toString()}
</body></html>\n`;
  await writeFileAtomic(file, html);
}
