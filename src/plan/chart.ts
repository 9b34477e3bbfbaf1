import type { TopLevelSpec } from 'vega-lite';
import type { CandidateTable } from './plan.js';
import { COLORS, CONFIG } from '../present/charts/theme.js';
import type { Chart } from '../present/charts/render.js';

const LABEL = 'Cost against P99, per candidate';

/** Each candidate a point (P99 on a log axis, cost per million requests), the P99 target a rule, the pick ringed. */
export function candidatesChart(table: CandidateTable): Chart {
  const currency = table.rows[0]?.cost.currency ?? '$';
  const rows = table.rows.map((r) => ({
    p99: Math.max(r.p99Ms, 0.001),
    cost: r.cost.perMillionRequests,
    label: `${r.memoryMb} MB · prov ${r.provisioned} · ka ${r.keepAliveMs / 1000}s`,
    status: r === table.best ? 'pick' : r.meetsTarget === false ? 'misses target' : 'candidate',
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    title: LABEL,
    width: 620,
    height: 320,
    layer: [
      {
        data: { values: rows },
        encoding: {
          x: { field: 'p99', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'predicted P99, ms (log)', format: ',~g' } },
          y: { field: 'cost', type: 'quantitative', axis: { title: `${currency} per million requests` } },
          color: { field: 'status', type: 'nominal', scale: { domain: ['pick', 'candidate', 'misses target'], range: [COLORS.p50, COLORS.cold, COLORS.faint] }, legend: { title: null, direction: 'horizontal', orient: 'top' } },
        },
        layer: [
          { mark: { type: 'point', filled: true, size: 70 } },
          { mark: { type: 'text', align: 'left', dx: 6, fontSize: 9.5, color: COLORS.muted }, encoding: { text: { field: 'label' } } },
        ],
      },
      ...(table.p99TargetMs !== undefined
        ? [{ data: { values: [{ target: table.p99TargetMs }] }, mark: { type: 'rule' as const, strokeDash: [4, 3], color: COLORS.errors }, encoding: { x: { field: 'target', type: 'quantitative' as const } } }]
        : []),
    ],
  };
  return { label: LABEL, caption: `Each point one candidate (memory × provisioned × keep-alive), simulated on the same arrivals${table.p99TargetMs !== undefined ? '; the dashed line is the P99 target' : ''}.`, spec };
}
