import type { TopLevelSpec } from 'vega-lite';
import type { Advice } from '../../advise/index.js';
import { keepAliveLabel } from '../../advise/words.js';
import { formatDuration } from '../../present/format.js';
import { COLORS, CONFIG, logAxis } from '../../present/charts/theme.js';
import type { Chart } from '../../present/charts/render.js';

const PALETTE = [COLORS.cold, COLORS.warm, COLORS.p50, COLORS.p99, COLORS.throttled, COLORS.instances, COLORS.coldLight, COLORS.warmLight];
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Cost per million requests against P99 for every memory size measured, one line per group, picks ringed. */
export function costP99Chart(advice: Advice): Chart {
  const label = 'Cost against P99 by memory size';
  const rows = advice.memory.flatMap((m) =>
    m.rows.map((r) => ({
      group: m.context || 'all variants',
      memory: `${r.memoryMb} MB`,
      memoryMb: r.memoryMb,
      p99: Math.max(r.p99Ms, 0.001),
      cost: r.cost.costPerMillionRequestsUsd,
      pick: [m.picks.cheapest.memoryMb === r.memoryMb ? 'cheapest' : '', m.picks.fastest.memoryMb === r.memoryMb ? 'fastest' : '', m.picks.balanced.memoryMb === r.memoryMb ? 'balanced' : ''].filter(Boolean).join(', '),
    })),
  );
  if (rows.length === 0) return { label, empty: 'No memory-size comparison: the run has fewer than two valid memory sizes with the other knobs equal.' };
  const x = logAxis(rows.map((r) => r.p99));
  const groups = [...new Set(rows.map((r) => r.group))];
  const p99Of = advice.memory[0]?.p99Of ?? 'warm';
  const target = advice.memory[0]?.p99TargetMs;
  const color = { field: 'group', type: 'nominal', scale: { domain: groups, range: PALETTE.slice(0, Math.max(1, groups.length)) }, legend: groups.length > 1 ? { title: null } : null } as const;
  const encodeX = { field: 'p99', type: 'quantitative', scale: { type: 'log', domain: x.domain, nice: false }, axis: { title: `${p99Of} P99, ms (log)`, format: ',~g', values: x.ticks } } as const;
  const encodeY = { field: 'cost', type: 'quantitative', scale: { zero: true }, axis: { title: `${advice.prices.currency} per million requests`, format: ',.3~f' } } as const;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: CONFIG,
    title: { text: label, subtitle: 'Lower left is better: cheaper and faster. Ringed points are picks.' },
    width: 760,
    height: 300,
    layer: [
      ...(target !== undefined ? [{ data: { values: [{ p99: target }] }, mark: { type: 'rule' as const, strokeDash: [4, 4], color: COLORS.errors }, encoding: { x: { field: 'p99', type: 'quantitative' as const } } }] : []),
      {
        data: { values: rows },
        encoding: { x: encodeX, y: encodeY, color },
        layer: [
          { mark: { type: 'line', strokeWidth: 1.5, opacity: 0.6 }, encoding: { order: { field: 'memoryMb', type: 'quantitative' } } },
          { mark: { type: 'point', filled: true, size: 70 } },
          { transform: [{ filter: "datum.pick != ''" }], mark: { type: 'point', filled: false, size: 260, strokeWidth: 2 } },
          { mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 11, color: COLORS.ink }, encoding: { text: { field: 'memory' } } },
          { transform: [{ filter: "datum.pick != ''" }], mark: { type: 'text', align: 'left', dx: 8, dy: 6, fontSize: 10, color: COLORS.muted }, encoding: { text: { field: 'pick' } } },
        ],
      },
    ],
  };
  const caption = `Estimated cost per million requests (${advice.prices.source}, as of ${advice.prices.asOf}) against the ${p99Of} P99 of each memory size${target !== undefined ? `; the dashed line is the ${target} ms P99 target` : ''}.`;
  return { label, caption, spec };
}

/**
 * Keep-alive on the x axis (each value replayed), one panel for instance cold starts per 100 requests and one
 * for idle memory-time, a line per variant; diamonds are what the run measured, rings the recommended value.
 * With keep-alive on x the lines cannot fold back on themselves, and the axis carries the labels.
 */
export function keepAliveChart(advice: Advice): Chart {
  const label = 'Keep-alive what-if';
  if (advice.keepAlive.length === 0) return { label, empty: 'No keep-alive what-if: no valid variant could be replayed (see "Not advised").' };
  const order = [...new Set(advice.keepAlive.flatMap((k) => k.curve.map((p) => p.keepAliveMs)))].sort((a, b) => a - b).map((ms) => formatDuration(ms));
  const points = advice.keepAlive.flatMap((k) =>
    k.curve.map((p) => ({
      variant: keepAliveLabel(k),
      keepAlive: formatDuration(p.keepAliveMs),
      keepAliveMs: p.keepAliveMs,
      rate: p.coldStartRate * 100,
      idle: p.idleGbSeconds,
      recommended: p.keepAliveMs === k.recommendation.keepAliveMs,
    })),
  );
  const measured = advice.keepAlive.map((k) => ({
    variant: keepAliveLabel(k),
    keepAlive: formatDuration(k.measuredKeepAliveMs),
    rate: (k.measured.instanceColdStarts / Math.max(1, k.requests)) * 100,
    idle: k.measured.idleGbSeconds,
  }));
  const variants = advice.keepAlive.map(keepAliveLabel);
  const color = { field: 'variant', type: 'nominal', scale: { domain: variants, range: PALETTE.slice(0, variants.length) }, legend: { title: null, columns: 3, labelLimit: 240, orient: 'bottom' } } as const;
  const x = { field: 'keepAlive', type: 'ordinal', sort: order, axis: { title: 'keep-alive (replayed)', labelAngle: 0 } } as const;
  const panel = (field: 'rate' | 'idle', title: string) => ({
    width: 760,
    height: 170,
    layer: [
      {
        data: { values: points },
        encoding: { x, y: { field, type: 'quantitative', axis: { title } }, color },
        layer: [
          { mark: { type: 'line', strokeWidth: 1.6, point: { filled: true, size: 36 } } },
          { transform: [{ filter: 'datum.recommended' }], mark: { type: 'point', filled: false, size: 240, strokeWidth: 2 } },
        ],
      },
      { data: { values: measured }, encoding: { x, y: { field, type: 'quantitative' }, color }, mark: { type: 'point', shape: 'diamond', filled: true, size: 150, stroke: COLORS.ink, strokeWidth: 1 } },
    ],
  });
  const spec = {
    $schema: SCHEMA,
    config: CONFIG,
    title: { text: label, subtitle: "Each keep-alive replayed over the run's own arrivals through the planner's simulator; diamonds: measured; rings: recommended." },
    vconcat: [panel('rate', 'instance cold starts per 100 requests'), panel('idle', 'idle memory-time, GB-s')],
  } as TopLevelSpec;
  const notes = [...new Set(advice.keepAlive.flatMap((k) => k.notes))];
  return {
    label,
    caption: `Instance cold starts per 100 requests and the memory-time of idle instances (GB-s) for keep-alive from 0 to 10 min, replayed through the pool's policy; a longer keep-alive trades idle memory for fewer cold starts.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`,
    spec,
  };
}
