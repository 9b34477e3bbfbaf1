import type { ContainerCreateOptions } from 'dockerode';
import type { Prepared, StartContext } from '../types.js';
import { LABEL, RUN_LABEL, KIND_LABEL } from './docker.js';

/** Port the bootstrap listens on inside every container. */
export const CONTAINER_PORT = 8080;
const PIDS_LIMIT = 256;

export interface CreateInput {
  image: string;
  fnPath: string;
  prepared: Prepared;
  ctx: StartContext;
  ociRuntime?: string | undefined;
}

/** Least privilege and the variant's limits, in the engine's terms (issue 3, points 4 and 6). */
export function createOptions({ image, fnPath, prepared, ctx, ociRuntime }: CreateInput): ContainerCreateOptions {
  const { fn, variant } = prepared;
  const memoryBytes = variant.memoryMb * 1024 * 1024;
  const env: Record<string, string> = {
    ...fn.env,
    COLDLAB_HOST: '0.0.0.0',
    COLDLAB_PORT: String(CONTAINER_PORT),
    COLDLAB_FN_PATH: fnPath,
    COLDLAB_HANDLER: fn.handler,
    COLDLAB_INSTANCE_ID: ctx.instanceId,
    COLDLAB_MEMORY_MB: String(variant.memoryMb),
  };
  const port = `${CONTAINER_PORT}/tcp`;
  return {
    Image: image,
    name: `coldlab-${sanitize(ctx.runId)}-${sanitize(ctx.instanceId)}-${Date.now().toString(36)}`,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    User: '65534:65534',
    ExposedPorts: { [port]: {} },
    Labels: { [LABEL]: '1', [RUN_LABEL]: ctx.runId, [KIND_LABEL]: 'instance', 'coldlab.instance': ctx.instanceId },
    HostConfig: {
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.max(1, Math.round(variant.cpus * 1e9)),
      PidsLimit: PIDS_LIMIT,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      AutoRemove: false,
      ...(ociRuntime ? { Runtime: ociRuntime } : {}),
    },
  };
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '-');
}
