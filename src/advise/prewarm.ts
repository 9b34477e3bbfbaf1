import { type Prices } from '../scenario/prices.js';
import { gbOf } from '../billing/rates.js';
import { groupsAlong } from './dimensions.js';
import type { VariantFigures } from './figures.js';

export interface PrewarmAdvice {
  context: string;
  /** Median instance start, prewarm off and on, ms. */
  coldStartOffMs: number;
  coldStartOnMs: number;
  /** Time a warm cache saves per cold start, ms (off − on). */
  savedMsPerColdStart: number;
  /** The fetch step of a start without the cache (pull, page-cache refill), median ms. */
  fetchOffMs?: number;
  /** Instance cold starts per hour at this run's pace (prewarm off variant). */
  coldStartsPerHour: number;
  /** Cold-start time saved per hour at that pace, s. */
  savedSecondsPerHour: number;
  /** What the saved start time would cost as billed init per hour (0 when init is not billed). */
  savedInitCostPerHour: number;
  /** Keeping the cache warm costs node storage or page cache, not requests: said in words. */
  keepWarm: string;
}

/** Prewarm on against off, the other knobs equal: what a warm cache saves per cold start. */
export function advisePrewarm(figures: VariantFigures[], prices: Prices): PrewarmAdvice[] {
  return groupsAlong(figures, 'prewarm').flatMap((group) => {
    const on = group.members.find((f) => f.variant.prewarm);
    const off = group.members.find((f) => !f.variant.prewarm);
    if (on?.coldStartMs === undefined || off?.coldStartMs === undefined) return [];
    const saved = off.coldStartMs - on.coldStartMs;
    const perHour = off.durationMs > 0 ? (off.instanceColdStarts / off.durationMs) * 3_600_000 : 0;
    const savedSeconds = (Math.max(0, saved) * perHour) / 1000;
    const advice: PrewarmAdvice = {
      context: group.context,
      coldStartOffMs: off.coldStartMs,
      coldStartOnMs: on.coldStartMs,
      savedMsPerColdStart: saved,
      coldStartsPerHour: perHour,
      savedSecondsPerHour: savedSeconds,
      savedInitCostPerHour: prices.billInit ? savedSeconds * gbOf(off.variant.memoryMb) * prices.gbSecond : 0,
      keepWarm:
        off.variant.runtime === 'container'
          ? 'keeping the image on every node costs its size in the image store (disk), not requests'
          : 'keeping the function files cached costs their size in page cache (memory the node could use otherwise), not requests',
    };
    if (off.fetchMs !== undefined) advice.fetchOffMs = off.fetchMs;
    return [advice];
  });
}
