import type { RunResult, VariantResult } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { coldStartsOf, formatCount, formatUs, variantKnobs } from '../present/format.js';
import { mergedOf } from '../results/histogram.js';

export function variantAnchor(index: number): string {
  return `variant-${index + 1}`;
}

/**
 * Names each variant by the knobs that differ between the variants of this run ("memory 1024 MB ·
 * provisioned 1"), since the full key repeats what they share and hides what is being compared.
 */
export function distinguishingLabels(variants: VariantResult[]): string[] {
  // By knob name, not position: a container variant has an OCI runtime knob a process variant lacks.
  const knobs = variants.map((v) => new Map(variantKnobs(v.variant)));
  const names = [...new Set(variants.flatMap((v) => variantKnobs(v.variant).map(([name]) => name)))];
  const differing = names.filter((name) => knobs.some((k) => k.get(name) !== knobs[0]?.get(name)));
  return knobs.map((k) => {
    const parts = differing.flatMap((name) => {
      const value = k.get(name);
      if (value === undefined) return [];
      // Runtime, memory and CPU read clearly without their label ("process · 512 MB · 0.289 vCPU").
      return [name === 'runtime' || name === 'memory' || name === 'cpus' ? value : `${name} ${value}`];
    });
    return parts.length > 0 ? parts.join(' · ') : (k.get('runtime') ?? '');
  });
}

// One row per variant, so the reader sees the comparison before scrolling into any one of them.
export function renderOverview(result: RunResult, chart?: SafeHtml): SafeHtml {
  if (result.variants.length === 0) {
    return html`<section class="card"><h2>Variants</h2><p class="none">No variant finished before the run stopped.</p></section>`;
  }
  const labels = distinguishingLabels(result.variants);
  return html`
<section class="card overview">
  <h2>Variants</h2>
  <p class="legend">Latency in ms from the intended send time (corrected), all phases together.</p>
  <div class="scroll"><table>
    <thead><tr><th>#</th><th class="left">status</th><th class="left">variant</th><th>warm P50</th><th>warm P99</th><th>cold P50</th><th>cold P99</th><th>instance cold starts</th><th>cold-delayed requests</th><th>requests</th><th>errors</th></tr></thead>
    <tbody>${result.variants.map((v, i) => overviewRow(v, i, labels[i] ?? v.variant.id))}</tbody>
  </table></div>
  ${chart ? html`<div class="charts">${chart}</div>` : ''}
</section>`;
}

function overviewRow(v: VariantResult, index: number, label: string): SafeHtml {
  const warm = mergedOf(v.phases.map((p) => p.latency.warm?.corrected));
  const cold = mergedOf(v.phases.map((p) => p.latency.cold?.corrected));
  const starts = coldStartsOf(v);
  const sent = v.phases.reduce((n, p) => n + p.sent, 0);
  const errors = v.phases.reduce((n, p) => n + Object.values(p.errors).reduce((a, b) => a + b, 0), 0);
  const cell = (us: number | undefined): SafeHtml => (us === undefined ? html`<td class="none">—</td>` : html`<td>${formatUs(us)}</td>`);
  return html`<tr>
    <td>${index + 1}</td>
    <td class="left"><span class="badge ${v.status}">${v.status}</span></td>
    <td class="left variant-cell"><a href="#${variantAnchor(index)}" title="${v.variant.id}">${label}</a></td>
    ${cell(warm?.p50Us)}${cell(warm?.p99Us)}${cell(cold?.p50Us)}${cell(cold?.p99Us)}
    <td>${formatCount(v.instances.filter((i) => !i.provisioned).length)}</td>
    <td>${formatCount(starts['scale-out'] + starts['keepalive-expired'])}</td>
    <td>${formatCount(sent)}</td>
    <td>${errors > 0 ? formatCount(errors) : html`<span class="none">0</span>`}</td>
  </tr>`;
}
