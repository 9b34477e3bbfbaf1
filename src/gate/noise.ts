import type { GateReport } from './compare.js';
import type { NoiseBand } from './options.js';

/**
 * The noise band of this runner from an A/A run (the same function on both sides): per metric, how far
 * from 1 the bootstrap interval of the ratio of medians reaches, the worst variant counted. A gate that
 * uses it as tolerance does not call a change smaller than two identical runs' spread a regression.
 */
export function noiseBand(report: GateReport): NoiseBand {
  const metrics: Record<string, number> = {};
  for (const c of report.comparisons) {
    const [lo, hi] = c.interval;
    if (Number.isNaN(lo) || Number.isNaN(hi) || !Number.isFinite(hi)) continue;
    // Whole percent, rounded up: a band of 6.2% reads and works as 7%.
    const band = Math.ceil(Math.max(hi - 1, 1 - lo, 0.01) * 100) / 100;
    metrics[c.metric] = Math.max(band, metrics[c.metric] ?? 0);
  }
  return { kind: 'coldlab-noise-band', metrics };
}
