import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunResult } from '../results/model.js';
import type { Advice } from '../advise/index.js';
import { MEMORY_HEAD, keepAliveLabel, keepAliveText, memoryCells, memoryHeading, memoryPicksText, prewarmText, pricesLine, warmPoolText } from '../advise/words.js';
import { formatCount, formatUs } from '../present/format.js';
import { mergedOf } from '../results/histogram.js';
import { distinguishingLabels } from './overview.js';
import { eventsLine } from './summary.js';
import { isColdStart } from '../billing/variantCost.js';

// Markdown cells must not break the table: pipes escaped, line breaks flattened.
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const row = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: string[], rows: string[][], right: boolean[]): string =>
  [row(head), `|${right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(row)].join('\n');

/** A run's summary in GitHub-flavoured Markdown: variants, then the recommendations (for a CI job's summary page). */
export function renderMarkdownSummary(result: RunResult, advice: Advice): string {
  const labels = distinguishingLabels(result.variants);
  const lines = [`## coldlab: ${result.scenario.name}`, '', `Run \`${result.runId}\` · ${result.variants.length} variant(s)${result.complete ? '' : ' · **incomplete (interrupted)**'}`, ''];
  const rows = result.variants.map((v, i) => {
    const warm = mergedOf(v.phases.map((p) => p.latency.warm?.corrected));
    const cold = mergedOf(v.phases.map((p) => p.latency.cold?.corrected));
    const ms = (us: number | undefined): string => (us === undefined ? '—' : formatUs(us));
    const status = v.status === 'completed' ? 'ok' : `**${v.status}**`;
    return [String(i + 1), status, labels[i] ?? v.variant.id, ms(warm?.p50Us), ms(warm?.p99Us), ms(cold?.p50Us), ms(cold?.p99Us), formatCount(v.instances.filter(isColdStart).length), formatCount(v.phases.reduce((n, p) => n + p.sent, 0))];
  });
  lines.push(table(['#', 'status', 'variant', 'warm P50', 'warm P99', 'cold P50', 'cold P99', 'instance cold starts', 'requests'], rows, [true, false, false, true, true, true, true, true, true]));
  lines.push('', 'Latency in ms from the intended send time (corrected for coordinated omission).', '');
  // Event phases: what the trigger did and whether the stream's audit found every message answered.
  const withEvents = result.variants.flatMap((v, i) => (v.events ? [`- ${labels[i] ?? v.variant.id}: ${eventsLine(v.events)}`] : []));
  if (withEvents.length > 0) lines.push(...withEvents, '');
  lines.push(...renderMarkdownAdvice(advice));
  return `${lines.join('\n')}\n`;
}

/** The recommendations alone, as Markdown. */
export function renderMarkdownAdvice(advice: Advice): string[] {
  const lines = ['### Recommendations', '', `_${pricesLine(advice)}_`];
  for (const m of advice.memory) {
    lines.push('', `**${memoryHeading(m)}**`, '', table(MEMORY_HEAD, m.rows.map((r) => memoryCells(r, advice.prices)), MEMORY_HEAD.map(() => true)), '');
    for (const pick of memoryPicksText(m, advice.prices)) lines.push(`- ${pick}`);
  }
  for (const w of advice.warmPool) {
    lines.push('', `**Warm pool${w.context ? ` (${w.context})` : ''}**`, '');
    for (const line of warmPoolText(w, advice.prices)) lines.push(`- ${line}`);
  }
  if (advice.keepAlive.length > 0) {
    lines.push('', '**Keep-alive what-if** (the run\'s own arrivals replayed through the pool\'s policy)', '');
    for (const k of advice.keepAlive) lines.push(`- ${keepAliveLabel(k)}: ${keepAliveText(k)}`);
  }
  if (advice.prewarm.length > 0) {
    lines.push('', '**Prewarm**', '');
    for (const p of advice.prewarm) lines.push(`- ${prewarmText(p, advice.prices)}`);
  }
  if (advice.missing.length > 0) {
    lines.push('', '**Not advised**', '');
    for (const m of advice.missing) lines.push(`- ${m}`);
  }
  if (advice.excluded.length > 0) {
    lines.push('', `**Not used** (invalid or failed: their figures cannot be trusted)`, '');
    for (const e of advice.excluded) lines.push(`- \`${e.variant}\`: ${e.status}`);
  }
  return lines;
}

/**
 * Writes the summary to `file` (if given) and appends it to `$GITHUB_STEP_SUMMARY` when that is set, as
 * GitHub Actions expects (other steps, such as a gate, append their own part to the same file).
 * Returns the paths written.
 */
export async function writeMarkdownSummary(markdown: string, options: { file?: string; cwd: string; env: NodeJS.ProcessEnv }): Promise<string[]> {
  const written: string[] = [];
  if (options.file) {
    const path = resolve(options.cwd, options.file);
    await writeFile(path, markdown, 'utf8');
    written.push(path);
  }
  const step = options.env['GITHUB_STEP_SUMMARY'];
  if (step) {
    await appendStepSummary(step, markdown);
    written.push(step);
  }
  return written;
}

/** Appends a part to a GitHub step summary file (also for the CI gate's results). */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  await appendFile(file, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`, 'utf8');
}
