import type { InstanceRecord, RunResult, VariantResult } from '../../results/model.js';
import type { StartBreakdown } from '../../runtimes/types.js';
import { median } from '../../advise/figures.js';
import { distinguishingLabels } from '../overview.js';
import { COLORS } from '../../present/charts/theme.js';
import { stackedBarsSpec } from '../../present/charts/stackedBars.js';
import type { Chart } from '../../present/charts/render.js';

const LABEL = 'Cold start by step';
const STEPS = ['fetch', 'create', 'start', 'boot', 'init', 'other'] as const;
const FIELD: Record<Exclude<(typeof STEPS)[number], 'other'>, keyof StartBreakdown> = { fetch: 'fetchMs', create: 'createMs', start: 'startMs', boot: 'bootMs', init: 'initMs' };

// Starts called for requests when there are any: provisioned ones ran before load, on an idle host.
function startsOf(v: VariantResult): InstanceRecord[] {
  const withStart = v.instances.filter((i) => i.start !== undefined);
  const cold = withStart.filter((i) => !i.provisioned);
  return cold.length > 0 ? cold : withStart;
}

/**
 * The median of each cold-start step (fetch, create, start, boot, init) per variant as stacked bars, so
 * where a runtime spends its start is compared across variants at a glance; "other" is what the steps
 * do not account for (readiness polling, the runtime's own work).
 */
export function initBreakdownChart(result: RunResult): Chart {
  const labels = distinguishingLabels(result.variants);
  const rows = result.variants.flatMap((v, index) => {
    const starts = startsOf(v);
    if (starts.length === 0) return [];
    // CPU follows memory, so the vCPU figure only lengthens the label.
    const variant = `${index + 1}. ${(labels[index] ?? v.variant.id).replace(/ · [\d.]+ vCPU/, '')}`;
    const steps = (Object.keys(FIELD) as Array<keyof typeof FIELD>).map((step) => ({ step, ms: median(starts.flatMap((i) => i.start?.[FIELD[step]] ?? [])) ?? 0 }));
    const total = median(starts.map((i) => i.start?.totalMs ?? 0)) ?? 0;
    const other = Math.max(0, total - steps.reduce((sum, s) => sum + s.ms, 0));
    return [...steps, { step: 'other' as const, ms: other }].filter((s) => s.ms > 0).map((s) => ({ bar: variant, part: s.step, order: STEPS.indexOf(s.step), ms: s.ms }));
  });
  if (rows.length === 0) return { label: LABEL, empty: 'No cold-start breakdown: no instance of this run reported its start steps.' };
  const variants = [...new Set(rows.map((r) => r.bar))];
  const spec = stackedBarsSpec({
    title: LABEL,
    segments: rows,
    bars: variants,
    rowHeight: 26,
    labelLimit: 330,
    xTitle: 'median ms per cold start',
    xFormat: ',.0f',
    parts: STEPS,
    colors: [COLORS.throttled, COLORS.instances, COLORS.p99, COLORS.p50, COLORS.cold, COLORS.requests],
  });
  return { label: LABEL, caption: 'Median time of each step of a cold start, ms, per variant: fetch (pull, page-cache refill), sandbox create and start, boot until the bootstrap runs, the function\'s init; other is the rest of the start (readiness check). Starts for requests; provisioned ones only where there were none.', spec };
}
