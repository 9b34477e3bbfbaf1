import type { Advice } from '../advise/index.js';
import { MEMORY_HEAD, WARM_POOL_HEAD, keepAliveLabel, keepAliveText, memoryCells, memoryHeading, memoryPicksText, prewarmText, pricesLine, warmPoolCells, warmPoolText } from '../advise/words.js';
import { html, type SafeHtml } from '../present/escape.js';
import { eventsAdviceText } from '../advise/events.js';

/** The Recommendations section at the top of the report: each pick with the figures and the chart it rests on. */
export function renderRecommendations(advice: Advice, charts: { costP99: SafeHtml; keepAlive: SafeHtml }): SafeHtml {
  const prices = advice.prices;
  const memory = advice.memory.map(
    (m) => html`<h3>${memoryHeading(m)}</h3>
  <div class="scroll"><table class="advice-table">
    <thead><tr>${MEMORY_HEAD.map((h) => html`<th>${h}</th>`)}</tr></thead>
    <tbody>${m.rows.map((r) => html`<tr>${memoryCells(r, prices).map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
  </table></div>
  <ul class="picks">${memoryPicksText(m, prices).map((p) => html`<li>${p}</li>`)}</ul>`,
  );
  const warmPool = advice.warmPool.map(
    (w) => html`<h3>Warm pool${w.context ? ` (${w.context})` : ''}</h3>
  <div class="scroll"><table class="advice-table">
    <thead><tr>${WARM_POOL_HEAD.map((h) => html`<th>${h}</th>`)}</tr></thead>
    <tbody>${w.predicted.map((p) => html`<tr${p.provisioned === w.recommendation?.provisioned ? html` class="best"` : ''}>${warmPoolCells(p, prices).map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
  </table></div>
  <ul class="picks">${warmPoolText(w, prices).map((l) => html`<li>${l}</li>`)}</ul>`,
  );
  const keepAlive =
    advice.keepAlive.length > 0
      ? html`<h3>Keep-alive what-if</h3><ul class="picks">${advice.keepAlive.map((k) => html`<li><strong>${keepAliveLabel(k)}</strong>: ${keepAliveText(k)}</li>`)}</ul>`
      : '';
  const prewarm = advice.prewarm.length > 0 ? html`<h3>Prewarm</h3><ul class="picks">${advice.prewarm.map((p) => html`<li>${prewarmText(p, prices)}</li>`)}</ul>` : '';
  const events = advice.events.length > 0 ? html`<h3>Event trigger</h3><ul class="picks">${advice.events.map((e) => html`<li><code>${e.variant}</code>: ${eventsAdviceText(e).join('; ')}</li>`)}</ul>` : '';
  const missing = advice.missing.length > 0 ? html`<h3>Not advised</h3><ul class="notes">${advice.missing.map((m) => html`<li>${m}</li>`)}</ul>` : '';
  const excluded =
    advice.excluded.length > 0
      ? html`<div class="callout warn"><p><strong>Not used:</strong> ${advice.excluded.length} variant(s) were invalid or failed, and no recommendation rests on them.</p>
      <ul>${advice.excluded.map((e) => html`<li><code>${e.variant}</code> (${e.status})</li>`)}</ul></div>`
      : '';
  return html`
<section class="card recommendations" id="recommendations">
  <h2>Recommendations</h2>
  <p class="legend">${pricesLine(advice)}</p>
  ${excluded}
  ${memory}
  <div class="charts">${charts.costP99}</div>
  ${warmPool}
  ${keepAlive}
  <div class="charts">${charts.keepAlive}</div>
  ${prewarm}
  ${events}
  ${missing}
</section>`;
}
