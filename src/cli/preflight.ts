import type { IO } from './io.js';
import type { RuntimeName } from '../scenario/schema.js';
import { probeRuntime } from '../runtimes/probe.js';
import { EXIT, type ExitCode } from '../util/errors.js';

/**
 * Probes every runtime the scenarios name before anything starts: a missing Docker engine should not
 * surface after ten minutes of process variants. Reports every unusable runtime at once.
 */
export async function preflight(io: IO, runtimes: Iterable<RuntimeName>): Promise<ExitCode> {
  const unusable: string[] = [];
  for (const name of new Set(runtimes)) {
    const probe = await probeRuntime(name);
    if (!probe.usable) unusable.push(`  ${name}: ${probe.reason}\n    fix: ${probe.fix}\n`);
  }
  if (unusable.length === 0) return EXIT.ok;
  io.err(`coldlab: ${unusable.length === 1 ? 'a runtime' : `${unusable.length} runtimes`} named in the scenarios cannot run here; nothing was started:\n${unusable.join('')}`);
  return EXIT.runtimeUnavailable;
}
