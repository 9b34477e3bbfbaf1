import type { Container } from 'dockerode';
import type { Prepared, StartBreakdown, StartContext } from '../types.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import type { Docker } from './docker.js';
import { containerCgroup } from './cgroup.js';
import { CONTAINER_PORT, createOptions } from './createOptions.js';
import { pollHealth } from './health.js';
import { ContainerInstance, removeContainer } from './instance.js';
import { lastLogLines } from './logs.js';
import { chosenOciRuntime } from './ociRuntimes.js';
import { readData } from './prepare.js';
import { pullImage, removeImage, serialized } from './transfer.js';

const START_TIMEOUT_MS = 30_000;
const ms = (fromUs: number): number => (nowUs() - fromUs) / 1000;

/** Prewarm off: the image leaves the node and comes back by a real pull from the loopback registry. */
async function fetchImage(d: Docker, pullRef: string): Promise<{ fetchMs: number; startedUs: number }> {
  return serialized(pullRef, async () => {
    await removeImage(d, pullRef);
    const startedUs = nowUs();
    await pullImage(d, pullRef).catch((error: unknown) => {
      throw new ColdlabError('IMAGE_PULL_FAILED', `pulling ${pullRef} failed: ${errorMessage(error)}`, 'the loopback registry of this run may have stopped; see `coldlab doctor`', EXIT.runtimeUnavailable, { cause: error });
    });
    return { fetchMs: ms(startedUs), startedUs };
  });
}

// Create → start → poll health; any failure removes the container and says why, with its last log lines.
export async function startContainer(d: Docker, prepared: Prepared, ctx: StartContext, cgroupVersion: string | undefined): Promise<ContainerInstance> {
  const data = readData(prepared.data);
  let startedUs = nowUs();
  let fetchMs: number | undefined;
  if (data.pullRef) ({ fetchMs, startedUs } = await fetchImage(d, data.pullRef));
  const ociRuntime = chosenOciRuntime(prepared.data);
  const createdUs = nowUs();
  let container: Container;
  try {
    container = await d.createContainer(createOptions({ image: data.image, fnPath: data.fnPath, prepared, ctx, ociRuntime }));
  } catch (error) {
    throw new ColdlabError('CONTAINER_CREATE_FAILED', `could not create a container from ${data.image}: ${errorMessage(error)}`, ociRuntime ? `is the OCI runtime "${ociRuntime}" registered with the engine? (bash scripts/setup-docker.sh adds crun)` : 'check the image name and `coldlab doctor`', EXIT.runtimeUnavailable, { cause: error });
  }
  let exited = false;
  const fail = async (code: string, message: string, hint: string): Promise<never> => {
    const logs = await lastLogLines(container, 8);
    await removeContainer(container).catch(() => undefined);
    throw new ColdlabError(code, message, `${hint}${logs ? `; last log lines: ${logs}` : '; the container wrote no logs'}`);
  };
  try {
    await container.start();
  } catch (error) {
    return fail('CONTAINER_START_FAILED', `container for ${ctx.instanceId} did not start: ${errorMessage(error)}`, 'check the OCI runtime and the engine log');
  }
  // After start: wait()'s default condition "not-running" would return at once for a created container.
  void container.wait().then(() => (exited = true), () => (exited = true));
  const createMs = ms(createdUs);
  const info = await container.inspect();
  const hostPort = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0]?.HostPort;
  if (!hostPort) return fail('CONTAINER_NO_PORT', `the engine published no port for ${ctx.instanceId}`, 'is the bridge network working? see `docker info`');
  const url = `http://127.0.0.1:${hostPort}`;
  const timeoutMs = data.startTimeoutMs ?? START_TIMEOUT_MS;
  const health = await pollHealth(url, { deadlineMs: timeoutMs, gone: () => exited, signal: ctx.signal });
  if (!health) {
    if (ctx.signal?.aborted) return fail('INSTANCE_START_ABORTED', `start of ${ctx.instanceId} was aborted`, 'the run was interrupted');
    const state = await container.inspect().then((i) => i.State, () => undefined);
    if (exited || (state && !state.Running)) {
      const why = state?.OOMKilled ? 'was OOM-killed' : `exited with code ${state?.ExitCode ?? '?'}`;
      return fail('INSTANCE_START_FAILED', `container for ${ctx.instanceId} (${prepared.fn.path}) ${why} before answering its health check`, state?.OOMKilled ? 'raise memoryMb' : 'the function probably throws at import; run it with the process runtime to see the stack');
    }
    return fail('INSTANCE_START_TIMEOUT', `container for ${ctx.instanceId} (${prepared.fn.path}) did not answer ${url}/__coldlab/health within ${timeoutMs / 1000} s`, 'look at the function init; raise memoryMb if it is CPU-starved');
  }
  const start: StartBreakdown = { ...(fetchMs === undefined ? {} : { fetchMs }), createMs, bootMs: health.bootMs, initMs: health.initMs, totalMs: ms(startedUs) };
  const cgroup = await containerCgroup(container.id, cgroupVersion, info.HostConfig.CgroupParent ?? '');
  const notes = [...prepared.notes, ...(ociRuntime ? [`OCI runtime ${ociRuntime}`] : []), ...(cgroup ? [] : ['cgroup of the container not found on this host: no per-container metrics'])];
  return new ContainerInstance({ id: ctx.instanceId, url, container, pid: info.State.Pid || undefined, cgroup, notes, start });
}
