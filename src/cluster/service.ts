import { hostname } from 'node:os';
import { KIND_LABEL, LABEL, RUN_LABEL, tagSafe } from '../runtimes/container/docker.js';
import { OWNER_LABEL } from '../runtimes/owner.js';
import { formatOwner, OWNER_ID_LABEL } from '../runtimes/ownerIdentity.js';
import { TASK_ENV } from './task.js';

/** Which machine's coldlab started a job: its pid label alone means nothing on another machine. */
export const STARTER_LABEL = 'coldlab.starter';
export const JOB_KIND = 'swarm-job';
export const TASK_KIND = 'swarm-task';

export interface JobSpecInput {
  runId: string;
  image: string;
  shards: number;
  maxConcurrent: number;
  /** At most this many of the job's tasks on one node (swarm's MaxReplicas); absent: no limit. */
  perNode?: number;
  collector: string;
  token: string;
  /** The engine's first slot number (slots of a job run base..base+N−1). */
  slotBase: number;
  /** Id of the swarm's "host" network: the task reaches the collector and its instances as the node does. */
  hostNetwork: string;
  /** Mount the node's cgroup tree read-write, so the process runtime inside the task can enforce memory and CPU limits. */
  hostCgroups?: boolean;
  /** Mount the node's engine socket, so the container runtime inside the task starts its instances on the node's engine. */
  engineSocket?: boolean;
}

/** Where a node's engine listens; the task reaches it at the same path (dockerode's default). */
export const ENGINE_SOCKET = '/var/run/docker.sock';

// A task sees /sys/fs/cgroup read-only, so the process runtime cannot make its instances' cgroups there.
function mounts(input: JobSpecInput): Array<Record<string, string>> {
  return [
    ...(input.hostCgroups ? [{ Type: 'bind', Source: '/sys/fs/cgroup', Target: '/sys/fs/cgroup' }] : []),
    ...(input.engineSocket ? [{ Type: 'bind', Source: ENGINE_SOCKET, Target: ENGINE_SOCKET }] : []),
  ];
}

// One object per field the Engine API 1.41 knows (POST /services/create); nothing else, so an older engine refuses nothing.
export function jobServiceSpec(input: JobSpecInput): Record<string, unknown> {
  const labels = { [LABEL]: '1', [RUN_LABEL]: input.runId, [OWNER_LABEL]: String(process.pid), [OWNER_ID_LABEL]: formatOwner(), [STARTER_LABEL]: hostname() };
  return {
    Name: `coldlab-${tagSafe(input.runId).toLowerCase().slice(0, 50)}`,
    Labels: { ...labels, [KIND_LABEL]: JOB_KIND },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        Args: ['shard-task'],
        // Templates work in Env, Hostname and Mounts only: the slot travels as text, the task does the arithmetic.
        Env: [
          `${TASK_ENV.slot}={{.Task.Slot}}`,
          `${TASK_ENV.nodeId}={{.Node.ID}}`,
          `${TASK_ENV.slotBase}=${input.slotBase}`,
          `${TASK_ENV.shards}=${input.shards}`,
          `${TASK_ENV.collector}=${input.collector}`,
          `${TASK_ENV.token}=${input.token}`,
        ],
        // The results' host fingerprint then names the node, not a container id.
        Hostname: '{{.Node.Hostname}}',
        Labels: { ...labels, [KIND_LABEL]: TASK_KIND },
        ...(mounts(input).length > 0 ? { Mounts: mounts(input) } : {}),
        StopGracePeriod: 10_000_000_000,
      },
      // A failed shard is reported, not retried: a retry would run its variants on a host already disturbed.
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      ...(input.perNode !== undefined ? { Placement: { MaxReplicas: input.perNode } } : {}),
      Networks: [{ Target: input.hostNetwork }],
    },
    Mode: { ReplicatedJob: { MaxConcurrent: input.maxConcurrent, TotalCompletions: input.shards } },
  };
}
