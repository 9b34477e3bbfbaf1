import type { Container } from 'dockerode';
import type { Prepared, StartBreakdown, StartContext } from '../types.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import type { Docker } from './docker.js';
import { containerCgroup, noCgroupNote } from './cgroup.js';
import { CONTAINER_PORT, createOptions } from './createOptions.js';
import { bootstrapHealth } from './health.js';
import { ContainerInstance } from './instance.js';
import { launch } from './launch.js';
import { chosenOciRuntime } from './ociRuntimes.js';
import { readData } from './prepare.js';
import { pullImage, removeImage, serialized } from './transfer.js';

const ms = (fromUs: number): number => (nowUs() - fromUs) / 1000;

/** Prewarm off: the image leaves the node and comes back by a real pull from the loopback registry. */
async function fetchImage(d: Docker, pullRef: string): Promise<{ fetchMs: number; startedUs: number }> {
  await removeImage(d, pullRef);
  const startedUs = nowUs();
  await pullImage(d, pullRef).catch((error: unknown) => {
    throw new ColdlabError('IMAGE_PULL_FAILED', `pulling ${pullRef} failed: ${errorMessage(error)}`, 'the loopback registry of this run may have stopped; see `coldlab doctor`', EXIT.runtimeUnavailable, { cause: error });
  });
  return { fetchMs: ms(startedUs), startedUs };
}

/** The environment the bootstrap reads (runners/node/bootstrap.mjs), on top of the function's own. */
export function functionEnv(prepared: Prepared, ctx: StartContext, fnPath: string): Record<string, string> {
  return {
    ...prepared.fn.env,
    COLDLAB_HOST: '0.0.0.0',
    COLDLAB_PORT: String(CONTAINER_PORT),
    COLDLAB_FN_PATH: fnPath,
    COLDLAB_HANDLER: prepared.fn.handler,
    COLDLAB_INSTANCE_ID: ctx.instanceId,
    COLDLAB_MEMORY_MB: String(prepared.variant.memoryMb),
  };
}

/** One cold start of a function container: [pull] → create → start → bootstrap health, timed step by step. */
export async function startContainer(d: Docker, prepared: Prepared, ctx: StartContext, cgroupVersion: string | undefined): Promise<ContainerInstance> {
  const data = readData(prepared.data);
  let startedUs = nowUs();
  let fetchMs: number | undefined;
  const { pullRef } = data;
  // Remove, pull and create under one lock per image: a concurrent start must not remove the image between
  // this pull and this create. While a container holds the layers, the pull that follows is only a manifest check.
  const aroundCreate = pullRef
    ? (create: () => Promise<Container>) => serialized(pullRef, async () => {
        ({ fetchMs, startedUs } = await fetchImage(d, pullRef));
        return create();
      })
    : undefined;
  const ociRuntime = chosenOciRuntime(prepared.data);
  const { variant } = prepared;
  const options = createOptions({ image: data.image, containerPort: CONTAINER_PORT, env: functionEnv(prepared, ctx, data.fnPath), runId: ctx.runId, instanceId: ctx.instanceId, memoryMb: variant.memoryMb, cpus: variant.cpus, ociRuntime });
  const launched = await launch(d, {
    options,
    containerPort: CONTAINER_PORT,
    what: `${ctx.instanceId} (${prepared.fn.path ?? data.fnPath})`,
    ready: bootstrapHealth,
    timeoutMs: data.startTimeoutMs,
    signal: ctx.signal,
    exitHint: 'the function probably throws at import; run it with the process runtime to see the stack',
    aroundCreate,
  });
  const { container, info, url, createMs, startMs, ready: health } = launched;
  const start: StartBreakdown = { ...(fetchMs === undefined ? {} : { fetchMs }), createMs, startMs, bootMs: health.bootMs, initMs: health.initMs, totalMs: ms(startedUs) };
  const cgroup = await containerCgroup(container.id, cgroupVersion, info.HostConfig.CgroupParent ?? '');
  const notes = [...prepared.notes, ...(ociRuntime ? [`OCI runtime ${ociRuntime}`] : []), ...(cgroup ? [] : [noCgroupNote()])];
  return new ContainerInstance({ id: ctx.instanceId, url, container, pid: info.State.Pid || undefined, cgroup, notes, start });
}
