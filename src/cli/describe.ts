import type { Variant } from '../scenario/variant.js';
import { formatMs } from '../util/duration.js';

/** One readable line per variant for dry runs and progress headings. */
export function describeVariant(v: Variant): string {
  return [
    v.ociRuntime || v.microvmStart ? `${v.runtime} (${v.ociRuntime ?? v.microvmStart})` : v.runtime,
    `${v.memoryMb} MB (${v.cpus} vCPU)`,
    `provisioned ${v.provisionedConcurrency}`,
    `prewarm ${v.prewarm ? 'on' : 'off'}`,
    `keep-alive ${formatMs(v.keepAliveMs)}`,
    `concurrency ${v.instanceConcurrency}`,
    `max ${v.maxInstances}`,
    `rep ${v.repetition}`,
  ].join(' · ');
}
