import type { Variant } from '../scenario/variant.js';
import { formatMs } from '../util/duration.js';
import { runtimeLabel } from '../present/format.js';

/** One readable line per variant for dry runs and progress headings. */
export function describeVariant(v: Variant): string {
  return [
    runtimeLabel(v),
    `${v.memoryMb} MB (${v.cpus} vCPU)`,
    `provisioned ${v.provisionedConcurrency}`,
    `prewarm ${v.prewarm ? 'on' : 'off'}`,
    `keep-alive ${formatMs(v.keepAliveMs)}`,
    `concurrency ${v.instanceConcurrency}`,
    `max ${v.maxInstances}`,
    ...(v.ackWaitMs !== undefined ? [`ack wait ${formatMs(v.ackWaitMs)}`, `max ack pending ${v.maxAckPending ?? ''}`] : []),
    `rep ${v.repetition}`,
  ].join(' · ');
}
