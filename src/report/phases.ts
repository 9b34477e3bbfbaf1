import type { LatencySet, PhaseResult, VariantResult } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { COLD_REASON_LABEL, formatCount, formatDuration, formatRate, formatUs, instanceStartsIn } from '../present/format.js';

const PERCENTILES = [
  ['P50', 'p50Us'],
  ['P90', 'p90Us'],
  ['P99', 'p99Us'],
  ['P99.9', 'p999Us'],
  ['max', 'maxUs'],
] as const;

/** Corrected figure first (what users felt), the uncorrected one beneath it for comparison. */
function latencyRow(label: 'cold' | 'warm' | 'all', set: LatencySet | undefined): SafeHtml {
  if (set === undefined || set.corrected.count === 0) {
    return html`<tr class="row-${label}"><td><span class="start ${label}">${label}</span></td><td class="none">0</td>${PERCENTILES.map(() => html`<td class="none">—</td>`)}</tr>`;
  }
  return html`<tr class="row-${label}">
    <td><span class="start ${label}">${label}</span></td>
    <td>${formatCount(set.corrected.count)}</td>
    ${PERCENTILES.map(([, field]) => html`<td><span class="c">${formatUs(set.corrected[field])}</span><span class="u">${formatUs(set.uncorrected[field])}</span></td>`)}
  </tr>`;
}

function rateFact(p: PhaseResult): SafeHtml {
  if (p.targetRate === undefined) return html`<span class="fact">rate <b>${formatRate(p.achievedRate)}</b> req/s</span>`;
  // The share is of what the schedule held when known (a Poisson schedule holds a random count).
  const share = p.scheduled !== undefined && p.scheduled > 0 ? Math.round((p.sent / p.scheduled) * 100)
    : p.targetRate > 0 ? Math.round((p.achievedRate / p.targetRate) * 100) : 100;
  const of = p.scheduled !== undefined ? ` of ${formatCount(p.scheduled)} scheduled` : '';
  return html`<span class="fact">rate <b>${formatRate(p.achievedRate)}</b> / ${formatRate(p.targetRate)} req/s (${share}%${of})</span>`;
}

function errorsFact(errors: Record<string, number>): SafeHtml {
  const entries = Object.entries(errors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return html`<span class="fact">errors <b>0</b></span>`;
  return html`<span class="fact errors">errors ${entries.map(([kind, n]) => html`<span class="chip">${kind} × ${formatCount(n)}</span>`)}</span>`;
}

// Instance cold starts and the requests they delayed are different counts: 8 requests behind one start are 1 and 8.
function coldStartsFact(p: PhaseResult, v: VariantResult): SafeHtml {
  const started = instanceStartsIn(p, v.phases, v.instances);
  const parts = (Object.keys(COLD_REASON_LABEL) as Array<keyof typeof COLD_REASON_LABEL>)
    .filter((reason) => started[reason] > 0)
    .map((reason) => `${formatCount(started[reason])} ${COLD_REASON_LABEL[reason]}`);
  const delayed = p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'];
  return html`<span class="fact">instance cold starts <b>${parts.length > 0 ? parts.join(', ') : '0'}</b></span>
    <span class="fact">cold-delayed requests <b>${formatCount(delayed)}</b></span>`;
}

// The sender's own delay: if it is large, the latency figures include the load generator, not just the function.
function lagFact(p: PhaseResult): SafeHtml | '' {
  if (!p.sendLag) return '';
  return html`<span class="fact">send lag P99 <b>${formatUs(p.sendLag.p99Us)}</b> ms${p.sendLag.growing ? ' (growing)' : ''}</span>`;
}

/** One phase: what load was applied, then P50…P99.9 for cold, warm and all requests, corrected and not. */
export function renderPhase(p: PhaseResult, v: VariantResult): SafeHtml {
  return html`
<div class="phase" data-phase="${p.name}">
  <div class="phase-head">
    <strong>${p.name}</strong>
    <span class="fact">${p.kind} · ${p.loop} loop · ${formatDuration(p.durationMs)}</span>
    ${p.sent === 0 ? '' : loadFacts(p, v)}
    ${p.valid ? '' : html`<span class="invalid">invalid</span>`}
  </div>
  ${p.sent === 0 ? html`<p class="empty-phase">No request in this phase${p.kind === 'idle' ? ' (idle: no load, so keep-alive can expire)' : ''}.</p>` : latencyTable(p)}
  ${p.invalidReasons.length > 0 ? html`<ul class="reasons">${p.invalidReasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
</div>`;
}

function loadFacts(p: PhaseResult, v: VariantResult): SafeHtml {
  return html`${rateFact(p)}
    <span class="fact">sent <b>${formatCount(p.sent)}</b> · ok <b>${formatCount(p.ok)}</b></span>
    ${errorsFact(p.errors)}
    ${coldStartsFact(p, v)}
    ${p.coldInit ? html`<span class="fact">init P50 <b>${formatUs(p.coldInit.p50Us)}</b> ms</span>` : ''}
    ${lagFact(p)}`;
}

function latencyTable(p: PhaseResult): SafeHtml {
  return html`<div class="scroll"><table>
    <thead><tr><th>start</th><th>count</th>${PERCENTILES.map(([label]) => html`<th>${label}</th>`)}</tr></thead>
    <tbody>
      ${latencyRow('cold', p.latency.cold)}
      ${latencyRow('warm', p.latency.warm)}
      ${latencyRow('all', p.latency.all)}
    </tbody>
  </table></div>`;
}
