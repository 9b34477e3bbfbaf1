import type { GateFlags } from '../gate/options.js';
import type { LoadedScenario } from '../scenario/load.js';

/** `coldlab run`'s flags, plain and A/B alike. */
export interface RunCommandOptions extends GateFlags {
  out?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  prices?: string;
  summary?: string;
  /** Interleaved A/B: the first file is the baseline, the second the candidate. */
  ab?: boolean;
  /** A/A: one scenario against itself, to measure this runner's noise band. */
  aa?: boolean;
  shard?: string;
  junit?: string;
  metricsPort?: string;
}

/** An A/B run: asked for with --ab or --aa, or a scenario that names a baseline function. */
export const isAbRun = (loaded: readonly LoadedScenario[], options: RunCommandOptions): boolean =>
  Boolean(options.ab || options.aa) || loaded.some((l) => l.baselineFn !== undefined);
