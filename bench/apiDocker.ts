// The engine-API container baseline: the same create options coldlab sends, posted straight to the Docker
// Engine API through dockerode (the client coldlab itself uses) — create, start, inspect for the published
// port, then poll the health route every 5 ms (as coldlab's pollReady) until it answers. No CLI binary is
// launched, so coldlab's start() minus this is coldlab's own overhead.
import type { ContainerCreateOptions } from 'dockerode';
import { type Docker, statusOf } from '../src/runtimes/container/docker.js';
import { nowUs, sleep } from '../src/util/clock.js';
import { DEADLINE_MS, HEALTH_PATH, answers } from './rawDocker.js';

export interface ApiStart {
  id: string;
  /** From the create call until start returned (create + start on the engine). */
  createMs: number;
  /** From the create call until the health route answered 200. */
  totalMs: number;
}

/** One cold start through the Engine API: createContainer, start, inspect, then GET the health route every 5 ms until 200. */
export async function apiColdStart(d: Docker, options: ContainerCreateOptions, containerPort: number, signal?: AbortSignal): Promise<ApiStart> {
  const started = nowUs();
  const container = await d.createContainer(options);
  await container.start();
  const createMs = (nowUs() - started) / 1000;
  const info = await container.inspect();
  const hostPort = info.NetworkSettings.Ports?.[`${containerPort}/tcp`]?.[0]?.HostPort;
  if (!hostPort) throw new Error(`the engine published no port for ${containerPort}/tcp of ${container.id.slice(0, 12)}`);
  const url = `http://127.0.0.1:${hostPort}${HEALTH_PATH}`;
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await answers(url))) {
    if (signal?.aborted) throw new Error('engine-API container start interrupted');
    if (Date.now() > deadline) throw new Error(`engine-API container ${container.id.slice(0, 12)} did not answer ${url} within ${DEADLINE_MS / 1000} s`);
    await sleep(5, signal);
  }
  return { id: container.id, createMs, totalMs: (nowUs() - started) / 1000 };
}

/** Force-removes containers (and their anonymous volumes) by name or id; names that never became containers are fine. */
export async function removeApi(d: Docker, refs: Iterable<string>): Promise<void> {
  const failures: string[] = [];
  for (const ref of [...refs]) {
    try {
      await d.getContainer(ref).remove({ force: true, v: true });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 409) failures.push(`${ref}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) console.error(`bench: could not remove engine-API containers: ${failures.join('; ')}`);
}
