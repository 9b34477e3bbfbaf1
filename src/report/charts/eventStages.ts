import type { RunResult } from '../../results/model.js';
import { STAGE_NAMES } from '../../results/events.js';
import { distinguishingLabels } from '../overview.js';
import { COLORS } from '../../present/charts/theme.js';
import { stackedBarsSpec } from '../../present/charts/stackedBars.js';
import type { Chart } from '../../present/charts/render.js';

const LABEL = 'Event to function, by stage';
const STAGE_LABEL: Record<(typeof STAGE_NAMES)[number], string> = { toStored: 'publish → stored', storedToDelivered: 'stored → delivered', deliveredToAnswered: 'delivered → answered' };

/**
 * Where a message's time goes, per variant, event phase and start kind, as stacked bars like the cold-start
 * breakdown: publish to stored, waiting in the stream, then the function (its cold start included). Means,
 * not medians, because means of the stages add up to the mean end to end, message by message.
 */
export function eventStagesChart(result: RunResult): Chart {
  const labels = distinguishingLabels(result.variants);
  const rows = result.variants.flatMap((v, index) =>
    (v.events?.phases ?? []).flatMap((phase) =>
      (['cold', 'warm'] as const).flatMap((kind) => {
        const whole = phase.stages.endToEnd[kind];
        if (!whole) return [];
        const bar = `${index + 1}. ${(labels[index] ?? v.variant.id).replace(/ · [\d.]+ vCPU/, '')} · ${phase.name} · ${kind} (${whole.count})`;
        return STAGE_NAMES.map((stage, order) => ({ bar, part: STAGE_LABEL[stage], order, ms: (phase.stages[stage][kind]?.meanUs ?? 0) / 1000 }));
      }),
    ),
  );
  if (rows.length === 0) return { label: LABEL, empty: 'No event stages: no message of this run was answered.' };
  const bars = [...new Set(rows.map((r) => r.bar))];
  const spec = stackedBarsSpec({
    title: LABEL,
    segments: rows,
    bars,
    rowHeight: 22,
    labelLimit: 380,
    xTitle: 'mean ms per message',
    xFormat: ',.1f',
    parts: Object.values(STAGE_LABEL),
    colors: [COLORS.p50, COLORS.p99, COLORS.cold],
    legendLabelLimit: 200,
  });
  return {
    label: LABEL,
    caption: 'Mean time per message in each stage, ms, by variant, event phase and how the message was served (cold start or warm instance; count in brackets): from its intended publish time until the stream stored it, waiting in the stream until the trigger got it, and the function until its first successful answer (cold start, queueing and redeliveries included). The three add up to the mean end to end.',
    spec,
  };
}
