import type { Docker } from '../runtimes/container/docker.js';
import { KIND_LABEL, LABEL, RUN_LABEL, statusOf } from '../runtimes/container/docker.js';
import { removeLabelled } from '../runtimes/container/sweep.js';
import { OWNER_ID_LABEL, parseOwner } from '../runtimes/ownerIdentity.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { TASK_KIND } from './service.js';

/** What `docker info` says about this engine's swarm. */
export interface SwarmFacts {
  nodeAddr: string;
  nodes: number;
}

const INIT_HINT = 'make this engine a swarm manager: `docker swarm init --advertise-addr <this host\'s address>` (127.0.0.1 for one machine), and `docker swarm join` on the others';

export async function swarmFacts(d: Docker): Promise<SwarmFacts> {
  const info = (await d.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeAddr?: string; Nodes?: number } };
  const swarm = info.Swarm;
  if (swarm?.LocalNodeState !== 'active') throw new ColdlabError('SWARM_INACTIVE', `this Docker engine is not part of a swarm (state: ${swarm?.LocalNodeState ?? 'unknown'})`, INIT_HINT, EXIT.runtimeUnavailable);
  if (!swarm.ControlAvailable) throw new ColdlabError('SWARM_NOT_MANAGER', 'this Docker engine is a swarm worker: jobs are started from a manager', 'run coldlab on a manager node, or point DOCKER_HOST at one', EXIT.runtimeUnavailable);
  return { nodeAddr: swarm.NodeAddr ?? '127.0.0.1', nodes: Math.max(1, swarm.Nodes ?? 1) };
}

/** The id of the predefined "host" network, which swarm services may join (`--network host`). */
export async function hostNetworkId(d: Docker): Promise<string> {
  const networks = (await d.listNetworks({ filters: { name: ['host'] } })) as Array<{ Id: string; Name: string; Driver: string }>;
  const host = networks.find((n) => n.Name === 'host' && n.Driver === 'host');
  if (!host) throw new ColdlabError('SWARM_NO_HOST_NETWORK', 'the engine has no "host" network', 'the tasks use host networking to reach this machine: use an engine with its default networks', EXIT.runtimeUnavailable);
  return host.Id;
}

/** One slot's latest task, as the manager reports it. */
export interface TaskState {
  slot: number;
  state: string;
  /** The engine's reason when the task failed or was rejected. */
  error?: string;
  exitCode?: number;
  node: string;
}

interface RawTask {
  ID: string;
  Slot?: number;
  NodeID?: string;
  CreatedAt?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ExitCode?: number } };
}

export const TERMINAL = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove']);

export async function jobTasks(d: Docker, serviceId: string): Promise<TaskState[]> {
  const [tasks, nodes] = await Promise.all([
    d.listTasks({ filters: { service: [serviceId] } }) as Promise<RawTask[]>,
    d.listNodes() as Promise<Array<{ ID: string; Description?: { Hostname?: string } }>>,
  ]);
  const names = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID.slice(0, 12)]));
  // A slot may hold an older task (a restart the engine made anyway): the newest one speaks for it.
  const latest = new Map<number, RawTask>();
  // Slot 0 is left out of the JSON (Go omitempty): a task without a Slot holds slot 0.
  for (const t of [...tasks].sort((a, b) => (a.CreatedAt ?? '').localeCompare(b.CreatedAt ?? ''))) latest.set(t.Slot ?? 0, t);
  return [...latest.values()].map((t) => ({
    slot: t.Slot ?? 0,
    state: t.Status?.State ?? 'unknown',
    ...(t.Status?.Err ? { error: t.Status.Err } : {}),
    ...(t.Status?.ContainerStatus?.ExitCode !== undefined ? { exitCode: t.Status.ContainerStatus.ExitCode } : {}),
    node: names.get(t.NodeID ?? '') ?? (t.NodeID ? t.NodeID.slice(0, 12) : 'unassigned'),
  }));
}

/**
 * Removes the job's service (and so its tasks), then its task containers on this node: the swarm agent
 * removes them too, but late (an exited task container was still there 30 s after its service went).
 * A task is removed at once (force), so a container-runtime shard cannot stop its instances, which run
 * on the node's engine, not in the task: those whose owner names one of the job's task containers go
 * next, with their run's images (seen here: five instances left running after a Ctrl-C).
 * Returns the task containers still present. Task containers on other nodes go with their agents, and
 * their instances with the next sweep there (their owner's container is gone).
 */
export async function removeJob(d: Docker, serviceId: string, runId: string, waitMs = 30_000): Promise<string[]> {
  await d.getService(serviceId).remove().catch((error: unknown) => {
    if (statusOf(error) !== 404) throw error;
  });
  const deadline = Date.now() + waitMs;
  const tasks = new Set<string>();
  for (;;) {
    const left = (await d.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`, `${KIND_LABEL}=${TASK_KIND}`] } })) as Array<{ Id: string; Names?: string[] }>;
    for (const c of left) tasks.add(c.Id);
    if (left.length === 0 || Date.now() > deadline) {
      if (tasks.size > 0) await removeLabelled(d, LABEL, (labels) => !tasks.has(parseOwner(labels[OWNER_ID_LABEL])?.container ?? ''));
      return left.map((c) => c.Names?.[0] ?? c.Id.slice(0, 12));
    }
    await Promise.all(left.map((c) => d.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await new Promise((r) => setTimeout(r, 500));
  }
}
