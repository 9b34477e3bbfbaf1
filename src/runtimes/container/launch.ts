import type { Container, ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { ColdlabError, EXIT, type ExitCode, errorMessage } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import { type Docker, statusOf } from './docker.js';
import { pollReady, type ReadyCheck } from './health.js';
import { removeContainer } from './instance.js';
import { lastLogLines } from './logs.js';
import { initErrorIn } from '../initError.js';

export const START_TIMEOUT_MS = 30_000;

export interface LaunchInput<T> {
  options: ContainerCreateOptions;
  containerPort: number;
  /** Names what is started in messages, e.g. "i3 (/path/hello.mjs)". */
  what: string;
  ready: ReadyCheck<T>;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Hint when the container exits before it is ready. */
  exitHint: string;
  /** Wraps the create call, e.g. to pull the image and create under one lock; createMs counts from the create call itself. */
  aroundCreate?: ((create: () => Promise<Container>) => Promise<Container>) | undefined;
}

export interface Launched<T> {
  container: Container;
  info: ContainerInspectInfo;
  url: string;
  /** The engine's create call. */
  createMs: number;
  /** The engine's start call (the OCI runtime sets up namespaces, cgroups and mounts, then execs). */
  startMs: number;
  ready: T;
}

/** The error for an image the engine does not hold: coldlab never pulls from public registries. */
export function imageNotFound(image: string, cause?: unknown): ColdlabError {
  return new ColdlabError('IMAGE_NOT_FOUND', `image ${image} is not present in the engine`, 'build or load it first (`docker images` lists local ones); nothing is pulled from public registries', EXIT.runtimeUnavailable, { cause });
}

function createError(error: unknown, options: ContainerCreateOptions): ColdlabError {
  const image = options.Image ?? '?';
  const runtime = options.HostConfig?.Runtime;
  if (statusOf(error) === 404 && /image/i.test(errorMessage(error))) return imageNotFound(image, error);
  const hint = runtime ? `is the OCI runtime "${runtime}" registered with the engine? (in a coldlab clone, scripts/setup-docker.sh adds crun and runsc)` : 'check the image name and `coldlab doctor`';
  return new ColdlabError('CONTAINER_CREATE_FAILED', `could not create a container from ${image}: ${errorMessage(error)}`, hint, EXIT.runtimeUnavailable, { cause: error });
}

// Create → start → poll readiness; any failure removes the container and says why, with its last log lines.
export async function launch<T>(d: Docker, input: LaunchInput<T>): Promise<Launched<T>> {
  let createdUs = nowUs();
  const create = (): Promise<Container> => {
    createdUs = nowUs();
    return d.createContainer(input.options);
  };
  let container: Container;
  try {
    container = await (input.aroundCreate ? input.aroundCreate(create) : create());
  } catch (error) {
    if (error instanceof ColdlabError) throw error;
    throw createError(error, input.options);
  }
  const fail = async (code: string, message: string, hint: string, exit: ExitCode = EXIT.internal): Promise<never> => {
    const logs = await lastLogLines(container, 8);
    await removeContainer(container).catch(() => undefined);
    // The bootstrap said why the function cannot start: that is the error, not the container's exit.
    const own = initErrorIn(logs.split(' | ').join('\n'));
    if (own) throw own;
    throw new ColdlabError(code, message, `${hint}${logs ? `; last log lines: ${logs}` : '; the container wrote no logs'}`, exit);
  };
  const startCallUs = nowUs();
  const createMs = (startCallUs - createdUs) / 1000;
  try {
    await container.start();
  } catch (error) {
    return fail('CONTAINER_START_FAILED', `container for ${input.what} did not start: ${errorMessage(error)}`, 'check the OCI runtime and the engine log', EXIT.runtimeUnavailable);
  }
  const startMs = (nowUs() - startCallUs) / 1000;
  // After start: wait()'s default condition "not-running" would return at once for a created container.
  let exited = false;
  void container.wait().then(() => (exited = true), () => (exited = true));
  const info = await container.inspect();
  const hostPort = info.NetworkSettings.Ports?.[`${input.containerPort}/tcp`]?.[0]?.HostPort;
  if (!hostPort) return fail('CONTAINER_NO_PORT', `the engine published no port for ${input.what}`, 'is the bridge network working? see `docker info`', EXIT.runtimeUnavailable);
  const url = `http://127.0.0.1:${hostPort}`;
  const timeoutMs = input.timeoutMs ?? START_TIMEOUT_MS;
  const ready = await pollReady(url, input.ready, { deadlineMs: timeoutMs, gone: () => exited, signal: input.signal });
  if (ready !== undefined) return { container, info, url, createMs, startMs, ready };
  if (input.signal?.aborted) return fail('INSTANCE_START_ABORTED', `start of ${input.what} was aborted`, 'the run was interrupted');
  const state = await container.inspect().then((i) => i.State, () => undefined);
  if (exited || (state && !state.Running)) {
    const why = state?.OOMKilled ? 'was OOM-killed' : `exited with code ${state?.ExitCode ?? '?'}`;
    return fail('INSTANCE_START_FAILED', `container for ${input.what} ${why} before it answered`, state?.OOMKilled ? 'raise memoryMb' : input.exitHint);
  }
  return fail('INSTANCE_START_TIMEOUT', `container for ${input.what} did not answer on ${url} within ${timeoutMs / 1000} s`, 'look at its init; raise memoryMb if it is CPU-starved');
}
