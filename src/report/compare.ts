import type { RunResult } from '../results/model.js';
import { billRuns, costOrEmpty } from '../billing/variantCost.js';
import { figuresOf, type VariantFigures } from '../advise/figures.js';
import { resolvePrices, type Prices } from '../scenario/prices.js';
import { formatMoney, pricesLine } from '../advise/words.js';
import { formatCount, formatMs } from '../present/format.js';
import { textTable, type Align } from '../present/textTable.js';
import { html, trusted, type SafeHtml } from '../present/escape.js';
import { STYLES } from './styles.js';

/** One variant key in two runs: each side's figures, or why it has none (absent, invalid, failed). */
export interface CompareRow {
  key: string;
  a?: Side;
  b?: Side;
  aNote?: string;
  bNote?: string;
}

interface Side {
  warmP50Ms?: number;
  warmP99Ms?: number;
  coldP50Ms?: number;
  coldP99Ms?: number;
  instanceColdStarts: number;
  perMillion: number;
}

function side(f: VariantFigures, prices: Prices): Side {
  const s: Side = { instanceColdStarts: f.instanceColdStarts, perMillion: costOrEmpty(billRuns(f.runs, prices), prices).costPerMillionRequestsUsd };
  if (f.warm) Object.assign(s, { warmP50Ms: f.warm.p50Ms, warmP99Ms: f.warm.p99Ms });
  if (f.cold) Object.assign(s, { coldP50Ms: f.cold.p50Ms, coldP99Ms: f.cold.p99Ms });
  return s;
}

/** Two runs side by side by variant key, each priced at the first run's prices so cost differences are the runs', not the price lists'. */
export function compareRuns(a: RunResult, b: RunResult): { rows: CompareRow[]; prices: Prices } {
  const prices = resolvePrices(a.prices);
  const figA = new Map(figuresOf(a.variants).map((f) => [f.key, f]));
  const figB = new Map(figuresOf(b.variants).map((f) => [f.key, f]));
  const keys = [...new Set([...a.variants, ...b.variants].map((v) => v.variant.key))];
  const note = (r: RunResult, key: string): string => {
    const v = r.variants.find((x) => x.variant.key === key);
    return v ? v.status : 'not in this run';
  };
  return {
    prices,
    rows: keys.map((key) => {
      const row: CompareRow = { key };
      const fa = figA.get(key);
      const fb = figB.get(key);
      if (fa) row.a = side(fa, prices);
      else row.aNote = note(a, key);
      if (fb) row.b = side(fb, prices);
      else row.bNote = note(b, key);
      return row;
    }),
  };
}

const HEAD = ['variant', 'run', 'warm P50', 'warm P99', 'cold P50', 'cold P99', 'instance cold starts', '$/1M req'];
const ms = (v: number | undefined): string => (v === undefined ? '—' : formatMs(v));

function cells(s: Side | undefined, note: string | undefined, prices: Prices): string[] {
  if (!s) return [note ?? '—', '', '', '', '', ''];
  return [ms(s.warmP50Ms), ms(s.warmP99Ms), ms(s.coldP50Ms), ms(s.coldP99Ms), formatCount(s.instanceColdStarts), formatMoney(s.perMillion, prices)];
}

// B against A as a ratio, where both have the figure: what a reader looks for first.
function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || a === 0 ? '' : `${(b / a).toFixed(2)}×`;
}

function ratioCells(row: CompareRow): string[] {
  const { a, b } = row;
  return [ratio(a?.warmP50Ms, b?.warmP50Ms), ratio(a?.warmP99Ms, b?.warmP99Ms), ratio(a?.coldP50Ms, b?.coldP50Ms), ratio(a?.coldP99Ms, b?.coldP99Ms), '', ratio(a?.perMillion, b?.perMillion)];
}

/** The comparison for a terminal: per variant, A, B and B/A. */
export function formatComparison(a: RunResult, b: RunResult): string {
  const { rows, prices } = compareRuns(a, b);
  const table = rows.flatMap((r) => [
    [r.key, `A ${a.runId}`, ...cells(r.a, r.aNote, prices)],
    ['', `B ${b.runId}`, ...cells(r.b, r.bNote, prices)],
    ['', 'B/A', ...ratioCells(r)],
  ]);
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];
  return [`A: ${a.scenario.name} (${a.runId})`, `B: ${b.scenario.name} (${b.runId})`, textTable([HEAD, ...table], align), '  latency in ms from the intended send time; only valid variants have figures', `  ${pricesLine({ prices, pricesAreDefault: false })}`].join('\n');
}

/** The comparison as a self-contained HTML page (same styles and CSP as the run report). */
export function renderComparisonHtml(a: RunResult, b: RunResult): string {
  const { rows, prices } = compareRuns(a, b);
  const body: SafeHtml[] = rows.map(
    (r) => html`<tr><td class="left mono" rowspan="3">${r.key}</td><td class="left">A</td>${cells(r.a, r.aNote, prices).map((c) => html`<td>${c}</td>`)}</tr>
<tr><td class="left">B</td>${cells(r.b, r.bNote, prices).map((c) => html`<td>${c}</td>`)}</tr>
<tr class="ratio"><td class="left">B/A</td>${ratioCells(r).map((c) => html`<td>${c}</td>`)}</tr>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>coldlab compare: ${a.runId} vs ${b.runId}</title>
<style>${trusted(STYLES)}</style>
</head>
<body><main>
<section class="card"><h1>Compare</h1>
<p class="subtitle">A: ${a.scenario.name} (${a.runId}, ${a.startedAt}) · B: ${b.scenario.name} (${b.runId}, ${b.startedAt})</p>
<p class="legend">Latency in ms from the intended send time; only valid variants have figures. ${pricesLine({ prices, pricesAreDefault: false })}</p>
<div class="scroll"><table>
<thead><tr>${HEAD.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${body}</tbody>
</table></div></section>
</main></body></html>
`.value;
}
