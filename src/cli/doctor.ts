import type { IO } from './io.js';
import type { ProbeResult } from '../runtimes/types.js';
import { getRuntime, knownRuntimes } from '../runtimes/registry.js';
import { probeRuntime } from '../runtimes/probe.js';
import { RUNTIME_NAMES } from '../scenario/schema.js';
import { errorMessage, EXIT } from '../util/errors.js';
import { probeNatsServer } from '../events/server.js';
import { removeEventLeftovers } from '../events/leftovers.js';

// Event phases need nats-server (unless the scenario names a server): shown beside the runtimes, never fatal.
async function natsLine(options: { cleanup?: boolean; natsUrl?: string }): Promise<DoctorLine> {
  const nats = await probeNatsServer();
  const probe: ProbeResult = nats.usable ? { usable: true, details: `nats-server ${nats.version} with JetStream, for event phases` } : nats;
  const removed = options.cleanup ? await removeEventLeftovers(options.natsUrl).catch((error: unknown) => [`cleanup failed: ${errorMessage(error)}`]) : undefined;
  return { runtime: 'nats', probe, ...(removed ? { removed } : {}) };
}

/** Said plainly, so nobody looks for it: coldlab builds nothing it cannot test here. */
export const FIRECRACKER = 'not offered: Firecracker would need a KVM that works (the microvm line says whether this host has one) and the firecracker binary, which Debian does not package; the microvm runtime runs the same kind of guest on QEMU instead';

interface DoctorLine {
  runtime: string;
  probe: ProbeResult;
  removed?: string[];
}

/** Which runtimes work on this machine, why the others don't and how to fix them; optional leftover cleanup. */
export async function doctorCommand(io: IO, options: { cleanup?: boolean; json?: boolean; natsUrl?: string }): Promise<number> {
  const lines: DoctorLine[] = [];
  for (const name of RUNTIME_NAMES) {
    const line: DoctorLine = { runtime: name, probe: await probeRuntime(name) };
    // Cleanup needs no working engine probe to be tried: leftovers of a runtime that loads are swept regardless.
    if (options.cleanup && knownRuntimes().includes(name)) {
      const runtime = await getRuntime(name);
      if (runtime.cleanupLeftovers) line.removed = await runtime.cleanupLeftovers().catch((error: unknown) => [`cleanup failed: ${errorMessage(error)}`]);
    }
    lines.push(line);
  }
  // Swarm jobs are not a runtime's: their leftovers (a `coldlab swarm run` that was killed) are swept here.
  const swarmRemoved = options.cleanup ? await (await import('../cluster/swarmCleanup.js')).cleanupSwarmJobs().catch((error: unknown) => [`swarm cleanup failed: ${errorMessage(error)}`]) : undefined;
  lines.push(await natsLine(options));
  if (options.json) {
    io.out(`${JSON.stringify(swarmRemoved ? [...lines, { runtime: 'swarm', removed: swarmRemoved }] : lines, null, 2)}\n`);
  } else {
    for (const { runtime, probe, removed } of lines) {
      io.out(probe.usable ? `✔ ${runtime.padEnd(10)} ${probe.details}\n` : `✘ ${runtime.padEnd(10)} ${probe.reason}\n  fix: ${probe.fix}\n`);
      if (removed) io.out(`  cleanup: removed ${removed.length} leftover(s)${removed.length ? `: ${removed.join(', ')}` : ''}\n`);
    }
    io.out(`· ${'firecracker'.padEnd(10)} ${FIRECRACKER}\n`);
    if (swarmRemoved) io.out(`  swarm cleanup: removed ${swarmRemoved.length} leftover job(s)${swarmRemoved.length ? `: ${swarmRemoved.join(', ')}` : ''}\n`);
  }
  // Exit 3 only when the embedded default itself is unusable: other runtimes are optional.
  return lines.find((l) => l.runtime === 'process')?.probe.usable ? EXIT.ok : EXIT.runtimeUnavailable;
}
