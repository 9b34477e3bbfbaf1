import type { Container } from 'dockerode';
import type { CgroupRef, Instance, InstanceExit, StartBreakdown } from '../types.js';
import { statusOf } from './docker.js';
import { lastLogLines } from './logs.js';

export interface ContainerInstanceInit {
  id: string;
  url: string;
  container: Container;
  pid?: number | undefined;
  cgroup: CgroupRef | null;
  notes: string[];
  start: StartBreakdown;
}

/** A running container serving the function; `exited` settles once the engine reports it gone and it is removed. */
export class ContainerInstance implements Instance {
  readonly id: string;
  readonly url: string;
  readonly pid: number | undefined;
  readonly cgroup: CgroupRef | null;
  readonly limitsEnforced = true;
  readonly notes: string[];
  readonly start: StartBreakdown;
  readonly exited: Promise<InstanceExit>;
  readonly containerId: string;
  private readonly container: Container;
  private stopping = false;

  constructor(init: ContainerInstanceInit) {
    this.id = init.id;
    this.url = init.url;
    this.pid = init.pid;
    this.cgroup = init.cgroup;
    this.notes = init.notes;
    this.start = init.start;
    this.container = init.container;
    this.containerId = init.container.id;
    this.exited = watchExit(init.container, () => this.stopping);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await removeContainer(this.container);
    await this.exited;
  }
}

export async function removeContainer(container: Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = statusOf(error);
    if (status !== 404 && status !== 409) throw error;
  }
}

// wait() returns when the container stops (or is removed); inspect then tells an OOM kill from a crash.
async function watchExit(container: Container, stopping: () => boolean): Promise<InstanceExit> {
  let waited: { StatusCode?: number } | undefined;
  try {
    waited = (await container.wait()) as { StatusCode?: number };
  } catch {
    // removed while waiting
  }
  let state: { OOMKilled?: boolean; ExitCode?: number; Error?: string } | undefined;
  try {
    state = (await container.inspect()).State;
  } catch {
    // already removed
  }
  const reason: InstanceExit['reason'] = stopping() ? 'stopped' : state?.OOMKilled ? 'oom-killed' : 'crashed';
  const logs = reason === 'stopped' ? '' : await lastLogLines(container);
  await removeContainer(container).catch(() => undefined);
  const code = state?.ExitCode ?? waited?.StatusCode ?? null;
  const killed = reason === 'crashed' && code === 137 ? 'killed by SIGKILL without an OOMKilled report from the engine (an OOM kill the engine missed, or an outside kill)' : '';
  const detail = [reason === 'oom-killed' ? 'OOMKilled: the container exceeded its memory limit' : killed, state?.Error ?? '', logs].filter(Boolean).join('; ');
  return { reason, code, signal: code === 137 ? 'SIGKILL' : null, ...(detail ? { detail } : {}) };
}
