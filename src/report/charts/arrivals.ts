import type { VariantResult } from '../../results/model.js';
import { variantArrivals } from '../../plan/replay.js';
import { phaseWindowMs } from '../../plan/measured.js';
import { COLORS } from './theme.js';

type Panel = Record<string, unknown>;

/**
 * For a variant that replayed a trace: the arrivals its schedule asked for each second (rebuilt from the
 * seeded schedule, as `plan --validate` does) with the second's cold starts over them, so bursts in the
 * trace can be read against the cold starts they caused. Undefined when there is no trace phase, or its
 * trace file can no longer be read.
 */
export function arrivalsPanel(v: VariantResult, x: (last: boolean) => Record<string, unknown>): ((last: boolean) => Panel) | undefined {
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
  const firstSecond = Math.floor(fromMs / 1000);
  const perSecond = new Float64Array(Math.max(0, Math.floor((fromMs + (arrivals.offsetsUs.at(-1) ?? 0) / 1000) / 1000) - firstSecond + 1));
  for (const us of arrivals.offsetsUs) perSecond[Math.floor((fromMs + us / 1000) / 1000) - firstSecond]! += weight;
  const bars: Array<{ t: number; t2: number; kind: string; n: number }> = [];
  perSecond.forEach((n, i) => {
    if (n > 0) bars.push({ t: firstSecond + i + 0.08, t2: firstSecond + i + 0.92, kind: 'arrivals', n });
  });
  const values = [
    ...bars,
    ...v.timeline.filter((p) => p.coldStarts > 0).map((p) => ({ t: p.t + 0.08, t2: p.t + 0.92, kind: 'cold starts', n: p.coldStarts })),
  ];
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
