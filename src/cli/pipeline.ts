import { resolve } from 'node:path';
import type { IO } from './io.js';
import type { RuntimeName } from '../scenario/schema.js';
import type { PricesOverride } from '../scenario/prices.js';
import { loadPricesFile } from '../scenario/pricesFile.js';
import { hostInfo } from '../metrics/host.js';
import type { HostInfo } from '../results/model.js';
import { preflight } from './preflight.js';
import { interruptible } from './interrupt.js';
import { metricsEndpoint, type MetricsEndpoint } from './metricsPort.js';
import { progressEvents } from './progress.js';
import { EXIT, type ExitCode } from '../util/errors.js';
import type { RunCommandOptions } from './runOptions.js';

/** What every run of `coldlab run` (plain or A/B) has once it may start: checked prices, a signal, the host. */
export interface RunContext {
  pricesOverride?: PricesOverride;
  signal: AbortSignal;
  host: HostInfo;
  endpoint: MetricsEndpoint;
  /** No progress or per-variant lines (--quiet or --json). */
  quiet: boolean;
  progress(): ReturnType<typeof progressEvents>;
}

/**
 * The one pipeline of `run` and `run --ab`: usage errors found before anything starts (prices file, the
 * runtimes' probes, the metrics port), then the body under Ctrl-C handling, then the endpoint closed. The
 * body runs the variants and reports; it returns the exit code.
 */
export async function withRunContext(io: IO, options: RunCommandOptions, runtimes: Iterable<RuntimeName>, body: (ctx: RunContext) => Promise<number>): Promise<number | ExitCode> {
  // A broken prices file is a usage error found before anything starts, like a broken scenario.
  const pricesOverride = options.prices ? await loadPricesFile(resolve(io.cwd, options.prices)) : undefined;
  const ready = await preflight(io, runtimes);
  if (ready !== EXIT.ok) return ready;
  const endpoint = await metricsEndpoint(io, options.metricsPort);
  const { signal, release } = interruptible(io);
  const quiet = Boolean(options.quiet || options.json);
  try {
    const host = await hostInfo();
    return await body({ ...(pricesOverride ? { pricesOverride } : {}), signal, host, endpoint, quiet, progress: () => progressEvents(io, quiet) });
  } finally {
    release();
    await endpoint.close();
  }
}
