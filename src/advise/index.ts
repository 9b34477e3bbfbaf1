import type { RunResult } from '../results/model.js';
import { costsByKey, type VariantCost } from '../billing/variantCost.js';
import { isDefaultPrices, resolvePrices, type Prices, type PricesOverride } from '../scenario/prices.js';
import { adviceSchema, type AdviceSettings } from '../scenario/advice.js';
import { figuresOf } from './figures.js';
import { matrixHint, type Dimension } from './dimensions.js';
import { adviseMemory, type MemoryAdvice } from './memory.js';
import { adviseWarmPool, type WarmPoolAdvice } from './warmPool.js';
import { adviseKeepAlive, type KeepAliveAdvice } from './keepAlive.js';
import { advisePrewarm, type PrewarmAdvice } from './prewarm.js';
import { adviseEvents, type EventsAdvice } from './events.js';

/** Every recommendation of a run, with the figures each rests on; JSON as is for `coldlab advise --json`. */
export interface Advice {
  prices: Prices;
  pricesAreDefault: boolean;
  settings: AdviceSettings;
  /** Each completed variant key's cost, as compare and gate bill it. */
  costs: Record<string, VariantCost>;
  /** Variants no recommendation used, and why. */
  excluded: Array<{ variant: string; status: 'invalid' | 'failed'; reason: string }>;
  memory: MemoryAdvice[];
  warmPool: WarmPoolAdvice[];
  keepAlive: KeepAliveAdvice[];
  prewarm: PrewarmAdvice[];
  /** Event phases: ack wait and maxAckPending per variant (advise/events.ts). */
  events: EventsAdvice[];
  /** What to add to the matrix (or re-run) where there was too little valid data to advise. */
  missing: string[];
}

/**
 * Recommendations from a run's results: only completed variants are used; invalid and failed ones are
 * listed as excluded with their reason. Prices: the defaults, then the run's own, then `pricesOverride`.
 */
export function advise(result: RunResult, options: { pricesOverride?: PricesOverride } = {}): Advice {
  const prices = resolvePrices(result.prices, options.pricesOverride);
  // Parsed again so a file written before a setting existed gets that setting's default.
  const settings = adviceSchema.parse(result.advice ?? {});
  const figures = figuresOf(result.variants);
  const excluded = result.variants.flatMap((v): Advice['excluded'] =>
    v.status === 'invalid' ? [{ variant: v.variant.id, status: v.status, reason: v.invalidReasons.join('; ') }] : v.status === 'failed' ? [{ variant: v.variant.id, status: v.status, reason: v.error.message }] : [],
  );
  const keepAlive = adviseKeepAlive(figures);
  const missing = (['memoryMb', 'provisionedConcurrency', 'prewarm'] as Dimension[]).flatMap((d) => matrixHint(d, result.variants, figures) ?? []);
  if (keepAlive.length === 0) {
    missing.push(
      figures.length === 0
        ? 'no keep-alive what-if: no valid variant to replay'
        : result.upgradedFrom !== undefined
          ? `no keep-alive what-if: this results file (schema version ${result.upgradedFrom}) holds no arrival times; re-run the scenario with this coldlab`
          : 'no keep-alive what-if: no valid variant could be replayed (merged results keep no arrival log, and closed-loop phases have no schedule to rebuild)',
    );
  }
  return {
    prices,
    pricesAreDefault: isDefaultPrices(prices),
    settings,
    costs: costsByKey(result.variants, prices),
    excluded,
    memory: adviseMemory(figures, prices, settings),
    warmPool: adviseWarmPool(figures, prices, settings),
    keepAlive,
    prewarm: advisePrewarm(figures, prices),
    events: adviseEvents(result.variants, prices),
    missing,
  };
}
