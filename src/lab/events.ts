import type { Variant } from '../scenario/variant.js';
import { openEventBus, type EventBus } from '../events/bus.js';
import { removeLeftoverServers } from '../events/server.js';

/**
 * The NATS server for a run whose variants have event phases: started (or connected to) once before the first
 * variant, so an unreachable server is exit 3 before anything ran, and closed after the last one.
 */
export async function eventBusFor(variants: readonly Variant[], runId: string, leftoversRemoved?: (what: string, removed: string[]) => void): Promise<EventBus | undefined> {
  const first = variants.find((v) => v.phases.some((p) => p.kind === 'events'));
  if (!first) return undefined;
  // Servers and store folders of a coldlab that was killed go first, as the runtimes' leftovers do.
  const removed = await removeLeftoverServers();
  if (removed.length > 0) leftoversRemoved?.('nats', removed);
  return openEventBus(first.events ?? {}, runId);
}
