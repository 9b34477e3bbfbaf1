import type { ContainerCreateOptions } from 'dockerode';
import { LABEL, RUN_LABEL, KIND_LABEL } from './docker.js';
import { OWNER_LABEL } from '../owner.js';
import { formatOwner, OWNER_ID_LABEL } from '../ownerIdentity.js';

/** Port the bootstrap listens on inside every function container. */
export const CONTAINER_PORT = 8080;
/** nobody:nogroup: no image coldlab builds needs root. */
export const NON_ROOT_USER = '65534:65534';
const PIDS_LIMIT = 256;

export interface CreateInput {
  image: string;
  /** Port the server listens on inside the container; published on an ephemeral port of 127.0.0.1. */
  containerPort: number;
  env: Record<string, string>;
  runId: string;
  instanceId: string;
  memoryMb: number;
  cpus: number;
  ociRuntime?: string | undefined;
  /** Defaults to NON_ROOT_USER. */
  user?: string | undefined;
  /** Overrides the image's command (not its entrypoint). */
  cmd?: string[] | undefined;
}

/** Least privilege and the variant's limits, in the engine's terms (issue 3, points 4 and 6). */
export function createOptions(input: CreateInput): ContainerCreateOptions {
  const memoryBytes = input.memoryMb * 1024 * 1024;
  const port = `${input.containerPort}/tcp`;
  return {
    Image: input.image,
    name: `coldlab-${sanitize(input.runId)}-${sanitize(input.instanceId)}-${Date.now().toString(36)}`,
    Env: Object.entries(input.env).map(([k, v]) => `${k}=${v}`),
    User: input.user ?? NON_ROOT_USER,
    ExposedPorts: { [port]: {} },
    ...(input.cmd ? { Cmd: input.cmd } : {}),
    Labels: { [LABEL]: '1', [RUN_LABEL]: input.runId, [KIND_LABEL]: 'instance', [OWNER_LABEL]: String(process.pid), [OWNER_ID_LABEL]: formatOwner(), 'coldlab.instance': input.instanceId },
    HostConfig: {
      Memory: memoryBytes,
      // Equal to Memory: no swap, so the limit means what it says and an overrun is an OOM kill.
      MemorySwap: memoryBytes,
      NanoCpus: Math.max(1, Math.round(input.cpus * 1e9)),
      PidsLimit: PIDS_LIMIT,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      AutoRemove: false,
      ...(input.ociRuntime ? { Runtime: input.ociRuntime } : {}),
    },
  };
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '-');
}
