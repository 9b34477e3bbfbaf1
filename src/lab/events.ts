import type { Variant } from '../scenario/variant.js';
import { openEventBus, type EventBus } from '../events/bus.js';

/**
 * The NATS server for a run whose variants have event phases: started (or connected to) once before the first
 * variant, so an unreachable server is exit 3 before anything ran, and closed after the last one.
 */
export async function eventBusFor(variants: readonly Variant[], runId: string): Promise<EventBus | undefined> {
  const first = variants.find((v) => v.phases.some((p) => p.kind === 'events'));
  if (!first) return undefined;
  return openEventBus(first.events ?? {}, runId);
}
