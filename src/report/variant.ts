import type { VariantResult } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { COLD_REASON_LABEL, coldStartsOf, formatCount, formatDuration, formatUs, sandboxKnobs, variantKnobs, variantLabel } from '../present/format.js';
import { mergedOf } from '../results/histogram.js';
import { renderPhase } from './phases.js';
import { renderInstances } from './instances.js';
import { renderGuestMemory } from './guestMemory.js';
import { variantAnchor } from './overview.js';
import { hostClass } from '../results/hosts.js';
import { renderEvents } from './events.js';

// Status first: an invalid or failed variant must never be read as a fast one.
function statusCallout(v: VariantResult): SafeHtml | '' {
  if (v.status === 'invalid') {
    return html`<div class="callout warn"><p><strong>Invalid run — do not read these figures as the function's speed.</strong></p>
      <ul>${v.invalidReasons.map((r) => html`<li>${r}</li>`)}</ul></div>`;
  }
  if (v.status === 'failed') {
    return html`<div class="callout bad"><p><strong>Failed:</strong> ${v.error.message} <code>${v.error.code}</code></p>
      ${v.error.hint ? html`<p>Hint: ${v.error.hint}</p>` : ''}</div>`;
  }
  return '';
}

function limitsCallout(v: VariantResult): SafeHtml | '' {
  if (v.limitsEnforced) return '';
  return html`<div class="callout warn"><p><strong>Limits not enforced.</strong> Memory and CPU limits were not applied to every
    instance, so the memory size of this variant did not constrain it.</p></div>`;
}

function stat(label: string, value: string, unit = ''): SafeHtml {
  return html`<div class="stat"><div class="label">${label}</div><div class="value">${value}${unit ? html`<small>${unit}</small>` : ''}</div></div>`;
}

/** Cold starts by reason and init time over the whole variant (histograms added, never averaged). */
function coldSummary(v: VariantResult): SafeHtml {
  const starts = coldStartsOf(v);
  const init = mergedOf(v.phases.map((p) => p.coldInit));
  const provisioned = v.instances.filter((i) => i.provisioned).length;
  return html`<h3>Cold starts and init</h3>
  <div class="stats">
    ${stat(COLD_REASON_LABEL['scale-out'], formatCount(starts['scale-out']))}
    ${stat(COLD_REASON_LABEL['keepalive-expired'], formatCount(starts['keepalive-expired']))}
    ${stat('provisioned instances', formatCount(provisioned))}
    ${init ? [stat('init P50', formatUs(init.p50Us), 'ms'), stat('init P99', formatUs(init.p99Us), 'ms'), stat('init max', formatUs(init.maxUs), 'ms')] : stat('init', '—')}
  </div>`;
}

function measured(v: VariantResult): SafeHtml {
  return html`<h3>Latency by phase</h3>
  <p class="legend">Milliseconds. Large figure: from the intended send time (corrected for coordinated omission); small grey figure beneath: from the actual send (uncorrected).</p>
  ${v.phases.map((p) => renderPhase(p, v))}
  ${renderEvents(v)}
  ${coldSummary(v)}`;
}

/** One variant: status, knobs, warnings, charts over time, then per-phase latency, cold starts and instances. */
export function renderVariant(v: VariantResult, index: number, charts?: SafeHtml): SafeHtml {
  return html`
<section class="card variant" id="${variantAnchor(index)}" data-variant="${v.variant.id}">
  <div class="variant-head">
    <span class="badge ${v.status}">${v.status}</span>
    <h2>${index + 1}. ${variantLabel(v.variant)}</h2>
    <span class="duration">${formatDuration(v.durationMs)}</span>
  </div>
  <div class="key mono">${v.variant.id}</div>
  <ul class="knobs">${[...variantKnobs(v.variant), ...sandboxKnobs(v.sandbox), ...(v.host ? [['host', `${v.host.hostname} (${hostClass(v.host)})`] as const] : [])].map(([label, value]) => html`<li><span>${label}</span>${value}</li>`)}</ul>
  ${statusCallout(v)}
  ${limitsCallout(v)}
  ${v.notes.length > 0 ? html`<ul class="notes">${v.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
  <div class="charts" data-charts-for="${v.variant.id}">${charts ?? ''}</div>
  ${v.phases.length > 0 ? measured(v) : html`<h3>Latency by phase</h3><p class="none">No phase ran${v.status === 'failed' ? ': the variant failed before load started' : ''}.</p>`}
  ${renderInstances(v.instances)}
  ${renderGuestMemory(v.instances)}
</section>`;
}
