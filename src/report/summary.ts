import type { LatencySet, PhaseResult, RunResult, VariantResult } from '../results/model.js';
import { COLD_REASON_LABEL, coldStartsOf, instanceStartsIn, formatCount, formatDuration, formatRate, formatUs, sandboxKnobs } from '../present/format.js';
import { mergedOf } from '../results/histogram.js';
import { textTable, type Align } from '../present/textTable.js';

const HEAD = ['phase', 'start', 'count', 'P50', 'P90', 'P99', 'P99.9', 'cold starts', 'init P50/max', 'rate req/s', 'errors'];
const ALIGN: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'left'];

function latencyCells(set: LatencySet | undefined): string[] {
  const c = set?.corrected;
  if (c === undefined || c.count === 0) return ['0', '—', '—', '—', '—'];
  return [formatCount(c.count), formatUs(c.p50Us), formatUs(c.p90Us), formatUs(c.p99Us), formatUs(c.p999Us)];
}

function rate(p: PhaseResult): string {
  return p.targetRate === undefined ? formatRate(p.achievedRate) : `${formatRate(p.achievedRate)}/${formatRate(p.targetRate)}`;
}

function errorsText(errors: Record<string, number>): string {
  return Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ×${formatCount(n)}`)
    .join(', ');
}

// Instances started (by reason), then requests that waited on a start: 8 requests queued behind one start are 1 + 8.
function coldStartsText(p: PhaseResult, v: VariantResult): string {
  const { 'scale-out': scaleOut, 'keepalive-expired': expired } = instanceStartsIn(p, v.phases, v.instances);
  const delayed = p.coldStarts['scale-out'] + p.coldStarts['keepalive-expired'];
  if (scaleOut + expired + delayed === 0) return '0';
  const starts = [scaleOut > 0 ? `${formatCount(scaleOut)} scale-out` : '', expired > 0 ? `${formatCount(expired)} keep-alive` : ''].filter(Boolean).join(', ');
  return `${starts || '0'} · ${formatCount(delayed)} delayed`;
}

function initText(p: PhaseResult): string {
  return p.coldInit && p.coldInit.count > 0 ? `${formatUs(p.coldInit.p50Us)}/${formatUs(p.coldInit.maxUs)}` : '—';
}

// Phase facts (rate, errors) go on the phase's first row only, so the eye reads one phase per block.
function phaseRows(p: PhaseResult, v: VariantResult): string[][] {
  // An idle phase sends nothing; two rows of dashes would only hide the phases that did.
  if (p.sent === 0) return [[p.name, '—', '0', '', '', '', '', '', '', '', `(${p.kind}: no requests)`]];
  return [
    [p.name, 'cold', ...latencyCells(p.latency.cold), coldStartsText(p, v), initText(p), rate(p), errorsText(p.errors)],
    ['', 'warm', ...latencyCells(p.latency.warm), '', '', '', ''],
  ];
}

function statusLine(v: VariantResult): string {
  if (v.status === 'completed') return 'valid: every phase applied the load it was asked for';
  if (v.status === 'invalid') return `INVALID: ${v.invalidReasons.join('; ')}`;
  return `FAILED: ${v.error.message} [${v.error.code}]${v.error.hint ? `\n    hint: ${v.error.hint}` : ''}`;
}

/** What the trigger did over the variant's event phases, and the audit's verdict, in one line. */
export function eventsLine(e: NonNullable<VariantResult['events']>): string {
  const sum = (key: 'redeliveries' | 'duplicateInvocations' | 'duplicateMessages' | 'failedInvocations'): string => formatCount(e.phases.reduce((t, p) => t + p[key], 0));
  const a = e.audit;
  return `events: ${formatCount(a.published)} published, ${formatCount(a.answered)} answered, ${sum('redeliveries')} redelivered, ${sum('duplicateInvocations')} duplicate calls (${sum('duplicateMessages')} messages), ${sum('failedInvocations')} failed · ack wait ${formatDuration(e.ackWaitMs)} · audit: ${a.ok ? 'nothing lost' : `${formatCount(a.lost)} LOST, ${formatCount(a.unacked)} unacked`}`;
}

/** The table printed after each variant: what a user would otherwise open the report for. */
export function formatVariantSummary(v: VariantResult): string {
  const starts = coldStartsOf(v);
  const init = mergedOf(v.phases.map((p) => p.coldInit));
  const lines = [`${v.variant.id}  (${formatDuration(v.durationMs)})`];
  if (v.phases.length > 0) {
    lines.push(textTable([HEAD, ...v.phases.flatMap((p) => phaseRows(p, v))], ALIGN));
    lines.push('  latency in ms, corrected (from the intended send time); cold starts: instances started by reason · requests delayed by a start');
  }
  lines.push(
    `  cold starts: ${formatCount(starts['scale-out'])} ${COLD_REASON_LABEL['scale-out']}, ${formatCount(starts['keepalive-expired'])} ${COLD_REASON_LABEL['keepalive-expired']}` +
      (init ? ` · init ms P50 ${formatUs(init.p50Us)}, max ${formatUs(init.maxUs)}` : ''),
  );
  if (v.events) lines.push(`  ${eventsLine(v.events)}`);
  if (!v.limitsEnforced) lines.push('  limits not enforced: memory/CPU limits were not applied to every instance');
  const sandbox = sandboxKnobs(v.sandbox);
  if (sandbox.length > 0) lines.push(`  sandbox: ${sandbox.map(([label, value]) => `${label} ${value}`).join(', ')}`);
  for (const note of v.notes) lines.push(`  note: ${note}`);
  lines.push(`  ${statusLine(v)}`);
  return lines.join('\n');
}

function p(set: LatencySet['corrected'] | undefined, field: 'p50Us' | 'p99Us'): string {
  return set === undefined ? '—' : formatUs(set[field]);
}

/** One line per variant at the end of a run; variant-wide percentiles come from added histograms. */
export function formatRunSummary(r: RunResult): string {
  const head = `${r.scenario.name} (${r.runId}): ${r.variants.length} variant(s)${r.complete ? '' : ' — INCOMPLETE, interrupted'}`;
  const rows = r.variants.map((v) => {
    const warm = mergedOf(v.phases.map((ph) => ph.latency.warm?.corrected));
    const cold = mergedOf(v.phases.map((ph) => ph.latency.cold?.corrected));
    const starts = coldStartsOf(v);
    return [
      v.status.toUpperCase(),
      v.variant.id,
      `warm P50 ${p(warm, 'p50Us')} P99 ${p(warm, 'p99Us')} ms`,
      `cold P50 ${p(cold, 'p50Us')} P99 ${p(cold, 'p99Us')} ms`,
      // Instances started for requests, and requests that waited on a start: several can wait on one instance.
      `${formatCount(v.instances.filter((i) => !i.provisioned).length)} instance cold starts, ${formatCount(starts['scale-out'] + starts['keepalive-expired'])} cold-delayed requests`,
    ];
  });
  // A failed variant's cause goes with the run's summary too, so `-q` and a scrolled-away terminal still show it.
  const failures = r.variants.flatMap((v) => (v.status === 'failed' ? [`${v.variant.id} ${statusLine(v)}`] : []));
  return [head, ...(rows.length > 0 ? [textTable(rows, ['left', 'left', 'left', 'left', 'right'])] : []), ...failures].join('\n');
}
