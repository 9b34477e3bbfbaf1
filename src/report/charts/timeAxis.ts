import type { VariantResult } from '../../results/model.js';

/**
 * The time span a variant's charts share: from its start to the later of its end and its last timeline
 * second (seconds since the variant started), so every chart of one variant has the same x axis.
 */
export function timeDomain(v: VariantResult): [number, number] {
  const end = v.phases.reduce((latest, p) => Math.max(latest, (p.startMs + p.durationMs) / 1000), Math.max(v.durationMs / 1000, v.timeline.length));
  return [0, Math.max(1, Math.ceil(end))];
}

export const TIME_TITLE = 'seconds since the variant started';
