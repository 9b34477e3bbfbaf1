import type { StartBreakdown, StartContext } from '../types.js';
import { nowUs } from '../../util/clock.js';
import type { Docker } from './docker.js';
import { containerCgroup, noCgroupNote } from './cgroup.js';
import { createOptions } from './createOptions.js';
import { anyHttpAnswer } from './health.js';
import { ContainerInstance } from './instance.js';
import { launch } from './launch.js';

/** Any local image serving HTTP on a port (issue 3, point 2): measured with the same limits and least privilege. */
export interface ImageSpec {
  /** A reference present in the engine; it is never pulled (nothing can be, from public registries here). */
  image: string;
  /** Port the server listens on inside the container. */
  port: number;
  /** Path polled until it answers with any status below 500 (default "/"). */
  readyPath?: string;
  env?: Record<string, string>;
  /** Replaces the image's command. */
  cmd?: string[];
  /** Defaults to 65534:65534; images whose server must run as root need "0:0" (capabilities stay dropped). */
  user?: string;
  memoryMb?: number;
  cpus?: number;
  ociRuntime?: string;
  startTimeoutMs?: number;
}

const DEFAULT_MEMORY_MB = 256;

/** Starts one instance of an existing image; it carries the run's labels, so dispose(runId) removes it. */
export async function startExistingImage(d: Docker, spec: ImageSpec, ctx: StartContext, cgroupVersion: string | undefined): Promise<ContainerInstance> {
  const startedUs = nowUs();
  const memoryMb = spec.memoryMb ?? DEFAULT_MEMORY_MB;
  const options = createOptions({
    image: spec.image,
    containerPort: spec.port,
    env: spec.env ?? {},
    runId: ctx.runId,
    instanceId: ctx.instanceId,
    memoryMb,
    cpus: spec.cpus ?? 1,
    ociRuntime: spec.ociRuntime,
    user: spec.user,
    cmd: spec.cmd,
  });
  const launched = await launch(d, {
    options,
    containerPort: spec.port,
    what: `${ctx.instanceId} (image ${spec.image})`,
    ready: anyHttpAnswer(spec.readyPath ?? '/'),
    timeoutMs: spec.startTimeoutMs,
    signal: ctx.signal,
    exitHint: `does the image serve HTTP on port ${spec.port} as a non-root user on a read-only root filesystem? try user "0:0"`,
  });
  const { container, info, url, createMs, startMs } = launched;
  // The image has no bootstrap to report its boot and init apart: only create and the whole start are known.
  const start: StartBreakdown = { createMs, startMs, totalMs: (nowUs() - startedUs) / 1000 };
  const cgroup = await containerCgroup(container.id, cgroupVersion, info.HostConfig.CgroupParent ?? '');
  const notes = [`existing image ${spec.image}, port ${spec.port}`, ...(cgroup ? [] : [noCgroupNote()])];
  return new ContainerInstance({ id: ctx.instanceId, url, container, pid: info.State.Pid || undefined, cgroup, notes, start });
}
