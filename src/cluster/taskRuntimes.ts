import type { Variant } from '../scenario/variant.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/**
 * The runtimes a shard can run inside the runner image. Not the container runtime: its leftover sweep
 * judges a container's owner by pid, and a task cannot see the pids of the node, so it would remove
 * live containers of the node (its own task's included: seen here, exit 137). Not microvm: the image
 * holds no QEMU and no guest kernel.
 */
export const TASK_RUNTIMES: readonly string[] = ['process', 'wasm'];

export function refuseTaskRuntimes(variants: readonly Variant[], where: string): void {
  const other = [...new Set(variants.map((v) => v.runtime).filter((r) => !TASK_RUNTIMES.includes(r)))];
  if (other.length === 0) return;
  throw new ColdlabError(
    'CLUSTER_RUNTIME',
    `${where} runs shards inside the runner image, which supports the ${TASK_RUNTIMES.join(' and ')} runtimes, not ${other.join(', ')}`,
    `run the ${other.join('/')} variants with \`coldlab run --shard i/N\` on each machine and \`coldlab merge\` the results`,
    EXIT.usage,
  );
}
