import type { Variant } from '../scenario/variant.js';
import { ColdlabError, EXIT } from '../util/errors.js';

export type Orchestrator = 'swarm' | 'k8s';

/**
 * The runtimes a shard can run inside the runner image. The container runtime runs in a swarm task
 * through the node's engine socket (mounted when a variant needs it); its leftover sweep judges owners
 * across pid namespaces (runtimes/ownerIdentity.ts). Not on Kubernetes: its nodes need not run a
 * Docker engine at all. Not microvm anywhere: see `MICROVM_WHY`.
 */
export const TASK_RUNTIMES: Record<Orchestrator, readonly string[]> = {
  swarm: ['process', 'wasm', 'container'],
  k8s: ['process', 'wasm'],
};

const MICROVM_WHY = 'the runner image holds no QEMU and no guest kernel, and a swarm service cannot be given /dev/kvm (services have no device option: moby/swarmkit#1244)';

function why(runtime: string, orchestrator: Orchestrator): string {
  if (runtime === 'microvm') return MICROVM_WHY;
  if (runtime === 'container' && orchestrator === 'k8s') return 'a Kubernetes node need not run a Docker engine for the pod to reach';
  return 'it is not one of the runtimes the runner image carries';
}

const listed = (names: readonly string[]): string => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** Variants on a runtime the orchestrator's tasks cannot run are refused before anything starts (exit 2). */
export function refuseTaskRuntimes(variants: readonly Variant[], where: string, orchestrator: Orchestrator): void {
  const allowed = TASK_RUNTIMES[orchestrator];
  const other = [...new Set(variants.map((v) => v.runtime).filter((r) => !allowed.includes(r)))];
  if (other.length === 0) return;
  throw new ColdlabError(
    'CLUSTER_RUNTIME',
    `${where} runs shards inside the runner image, which supports the ${listed(allowed)} runtimes, not ${other.map((r) => `${r} (${why(r, orchestrator)})`).join(', ')}`,
    `run the ${other.join('/')} variants with \`coldlab run SCENARIO --shard i/N\` on each machine (for microvm: one with QEMU and /dev/kvm) and \`coldlab merge\` the results`,
    EXIT.usage,
  );
}

/** A task reaches the node's engine only when a variant runs in containers: the socket is root on the node. */
export const needsEngine = (variants: readonly Variant[]): boolean => variants.some((v) => v.runtime === 'container');
