import type { VariantResult } from '../../results/model.js';
import { variantArrivals } from '../../plan/replay.js';
import { phaseWindowMs } from '../../plan/measured.js';
import { COLORS } from '../../present/charts/theme.js';
import { rangeBars } from './thin.js';

type Panel = Record<string, unknown>;

/**
 * For a variant that replayed a trace: the arrivals its schedule asked for each second (rebuilt from the
 * seeded schedule, as `plan --validate` does) with the second's cold starts over them, so bursts in the
 * trace can be read against the cold starts they caused. Undefined when there is no trace phase, or its
 * trace file can no longer be read.
 */
export function arrivalsPanel(v: VariantResult, x: (last: boolean) => Record<string, unknown>, width = 1): ((last: boolean) => Panel) | undefined {
  if (!v.variant.phases.some((p) => p.kind === 'trace')) return undefined;
  let arrivals: ReturnType<typeof variantArrivals>;
  try {
    arrivals = variantArrivals(v);
  } catch {
    return undefined;
  }
  if ('unsupported' in arrivals) return undefined;
  const [fromMs] = phaseWindowMs(v);
  // A thinned log's kept arrivals each stand for `weight` requests: the bars are then estimates.
  const weight = arrivals.sample?.oneIn ?? 1;
  // Counted from second 0, so stretches of `width` seconds line up with the timeline's.
  const perSecond = new Float64Array(Math.max(0, Math.floor((fromMs + (arrivals.offsetsUs.at(-1) ?? 0) / 1000) / 1000) + 1));
  for (const us of arrivals.offsetsUs) perSecond[Math.floor((fromMs + us / 1000) / 1000)]! += weight;
  // Thinned, each bar reaches the busiest second of its stretch.
  const bars = (kind: string, values: ArrayLike<number>, first: number): Array<{ t: number; t2: number; kind: string; n: number }> =>
    rangeBars(values, first, width).flatMap((b) => (b.hi > 0 ? [{ t: b.t, t2: b.t2, kind, n: b.hi }] : []));
  const values = [...bars('arrivals', perSecond, 0), ...bars('cold starts', v.timeline.map((p) => p.coldStarts), v.timeline[0]?.t ?? 0)];
  return (last) => ({
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 't', type: 'quantitative', ...x(last) },
      x2: { field: 't2' },
      y2: { datum: 0 },
      y: { field: 'n', type: 'quantitative', stack: null, axis: { title: 'arrivals/s', tickCount: 3, format: ',d' } },
      color: { field: 'kind', type: 'nominal', scale: { domain: ['arrivals', 'cold starts'], range: [COLORS.coldLight, COLORS.cold] }, legend: { title: null, orient: 'top-right', direction: 'horizontal' } },
      order: { field: 'kind', sort: 'ascending' },
    },
  });
}
