import type { RunResult } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { formatBytes, formatDuration } from '../present/format.js';
import { hostClassesOf } from '../results/hosts.js';

// Variants measured on different kinds of machine may share a report, never silently.
function mixedHostsBanner(result: RunResult): SafeHtml | '' {
  const classes = hostClassesOf(result);
  if (classes.size < 2) return '';
  return html`<div class="banner incomplete" role="alert">MIXED HOSTS — these variants ran on ${classes.size} classes of host (${[...classes.values()].join(', ')}); each variant names its host, and a comparison between variants of different hosts measures the hosts too.</div>`;
}

// Timestamps in results are ISO-8601 UTC; a report reads better without the T and milliseconds.
export function formatTimestamp(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function elapsed(result: RunResult): string | undefined {
  if (result.finishedAt === undefined) return undefined;
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : undefined;
}

/** Scenario, run id, host fingerprint and timing: what someone needs to tell two reports apart. */
export function renderHeader(result: RunResult): SafeHtml {
  const h = result.host;
  const took = elapsed(result);
  const facts: Array<[string, SafeHtml | string]> = [
    ['run id', html`<code>${result.runId}</code>`],
    ['started', formatTimestamp(result.startedAt)],
    ['finished', result.finishedAt === undefined ? 'did not finish' : `${formatTimestamp(result.finishedAt)}${took ? ` (${took})` : ''}`],
    ['scenario file', html`<code>${result.scenario.file}</code>`],
    ['host', h.hostname],
    ['cpu', `${h.cpuModel} · ${h.cores} ${h.cores === 1 ? 'core' : 'cores'}`],
    ['memory', formatBytes(h.memoryBytes)],
    ['system', `${h.os} · kernel ${h.kernel}`],
    ['node · cgroup', `${h.node} · ${h.cgroupVersion === null ? 'no cgroup' : `cgroup v${h.cgroupVersion}`}`],
    ['tool', `${result.tool.name} ${result.tool.version}`],
    ...Object.entries(result.runtimes ?? {}).map(([runtime, facts]): [string, string] => [runtime, Object.entries(facts).map(([k, v]) => `${k} ${v}`).join(' · ')]),
  ];
  return html`
${mixedHostsBanner(result)}
${result.complete ? '' : html`<div class="banner incomplete" role="alert">INCOMPLETE — interrupted. The run stopped before it finished; these results were gathered up to that point.</div>`}
<header class="card">
  <h1>${result.scenario.name}</h1>
  ${result.scenario.description ? html`<p class="subtitle">${result.scenario.description}</p>` : html`<p class="subtitle">Cold-start benchmark</p>`}
  <dl class="meta">
    ${facts.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}
  </dl>
</header>`;
}
