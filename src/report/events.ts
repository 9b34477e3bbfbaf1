import type { VariantResult } from '../results/model.js';
import type { EventsPhaseData, StageData } from '../results/eventsRecorder.js';
import { html, type SafeHtml } from '../present/escape.js';
import { formatCount, formatDuration, formatUs } from '../present/format.js';

const pct = (h: StageData[keyof StageData]): SafeHtml[] => (h ? [h.p50Us, h.p90Us, h.p99Us, h.p999Us].map((us) => html`<td class="num">${formatUs(us)}</td>`) : [html`<td class="num" colspan="4">—</td>`]);

function endToEndRows(p: EventsPhaseData): SafeHtml {
  const e2e = p.stages.endToEnd;
  return html`${(['cold', 'warm'] as const).map(
    (kind, i) => html`<tr>${i === 0 ? html`<th rowspan="2">${p.name}</th>` : ''}<td>${kind}</td><td class="num">${formatCount(e2e[kind]?.count ?? 0)}</td>${pct(e2e[kind])}${
      i === 0
        ? html`<td class="num" rowspan="2">${formatCount(p.published)}/${formatCount(p.scheduled)}</td><td class="num" rowspan="2">${formatCount(p.redeliveries)}</td><td class="num${p.duplicateInvocations > 0 ? ' bad' : ''}" rowspan="2">${formatCount(p.duplicateInvocations)} (${formatCount(p.duplicateMessages)} msg)</td><td class="num" rowspan="2">${formatCount(p.failedInvocations)}</td>`
        : ''
    }</tr>`,
  )}`;
}

/** The events section of a variant: end-to-end percentiles per phase, cold and warm, what the trigger did, and the audit. */
export function renderEvents(v: VariantResult): SafeHtml | '' {
  const e = v.events;
  if (!e) return '';
  const a = e.audit;
  const server = e.server.own ? `coldlab's own nats-server${e.server.version ? ` ${e.server.version}` : ''}` : `${e.server.url}${e.server.version ? ` (nats-server ${e.server.version})` : ''}`;
  return html`<h3>Events</h3>
  <p class="legend">Messages published to stream <code>${e.stream}</code> on ${server}, invoked by coldlab's trigger (durable pull consumer <code>${e.consumer}</code>, ack wait ${formatDuration(e.ackWaitMs)}, max ack pending ${formatCount(e.maxAckPending)}, on failure ${e.onFailure}). End to end: ms from each message's intended publish time to the function's first successful answer, cold (served by a cold start) and warm apart.</p>
  <table class="phase-table events"><thead><tr><th>phase</th><th>start</th><th class="num">messages</th><th class="num">P50</th><th class="num">P90</th><th class="num">P99</th><th class="num">P99.9</th><th class="num">published</th><th class="num">redelivered</th><th class="num">duplicate calls</th><th class="num">failed calls</th></tr></thead>
  <tbody>${e.phases.map(endToEndRows)}</tbody></table>
  <p class="${a.ok ? 'legend' : 'callout bad'}">Audit: ${formatCount(a.published)} published, ${formatCount(a.answered)} answered, ${formatCount(a.terminated)} terminated, <strong>${formatCount(a.lost)} lost</strong>${a.lost > 0 ? ` (stream sequence ${a.lostSeqs.join(', ')}${a.lost > a.lostSeqs.length ? ', …' : ''})` : ''}, ${formatCount(a.unacked)} left unacked; stream holds ${formatCount(a.streamMessages)} up to sequence ${formatCount(a.lastSeq)}, consumer acked up to ${formatCount(a.ackFloor)}.</p>`;
}
