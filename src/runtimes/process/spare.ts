import type { CgroupRef, Prepared } from '../types.js';
import { createLimitedCgroup, removeCgroup } from './cgroupLimits.js';
import { spawnBootstrap, type SpawnedBootstrap } from './spawn.js';
import { ColdlabError, errorMessage } from '../../util/errors.js';

/**
 * An instance start made up to the last step: its cgroup exists with the variant's limits and a shell has
 * joined it and waits (spawn.ts, PARK_THEN_EXEC) for the instance id before exec'ing node. The runtime keeps
 * one parked ahead for the variant it runs, as a FaaS platform keeps empty sandboxes ready: the function's
 * runtime boot and init, what a cold start is about, still happen on the timed path, under the limits.
 */
export interface Parked {
  readonly prepared: Prepared;
  readonly runId: string;
  readonly spawned: SpawnedBootstrap;
  readonly cgroup: CgroupRef | null;
  readonly limitsEnforced: boolean;
  readonly notes: string[];
}

export interface ParkRequest {
  prepared: Prepared;
  runId: string;
  /** cgroup name (owner pid first, see owner.ts). */
  cgroupName: string;
  command: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Makes the cgroup and starts the parked shell in it; resolves once the shell runs. */
export async function park(req: ParkRequest): Promise<Parked> {
  const { variant } = req.prepared;
  const notes = [...req.prepared.notes];
  const limits = await createLimitedCgroup({ name: req.cgroupName, memoryBytes: variant.memoryMb * 1024 * 1024, cpus: variant.cpus });
  if (!limits.enforced) notes.push(`limits not enforced: ${limits.reason}`);
  const cgroup = limits.enforced ? limits.ref : null;
  let spawned: SpawnedBootstrap;
  try {
    spawned = spawnBootstrap(req.command, req.env, req.cwd, limits.enforced ? limits.procsFiles : [], true);
  } catch (error) {
    // spawn() throws at once on what execve would refuse (a NUL in env…): the cgroup made for it goes now, not at the next run.
    if (cgroup) await removeCgroup(cgroup);
    throw new ColdlabError('INSTANCE_SPAWN', `could not start an instance: ${errorMessage(error)}`, 'check function.env and function.path in the scenario');
  }
  // A parked shell that dies unused (discarded at the end) must not surface as an unhandled rejection.
  spawned.ready.catch(() => undefined);
  await new Promise<void>((done) => spawned.child.once('spawn', done).once('error', () => done()));
  return { prepared: req.prepared, runId: req.runId, spawned, cgroup, limitsEnforced: limits.enforced, notes };
}

/** Still waiting for its id (not exited, stdin open)? */
export function usable(parked: Parked): boolean {
  const child = parked.spawned.child;
  return child.exitCode === null && child.signalCode === null && child.stdin?.writable === true;
}

/** Lets the parked shell exec node as instance `instanceId`. */
export function unpark(parked: Parked, instanceId: string): void {
  parked.spawned.child.stdin?.write(`${instanceId}\n`);
}

/** Kills a parked shell (or the instance it became) and removes its cgroup. */
export async function discard(parked: Parked): Promise<void> {
  const child = parked.spawned.child;
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }
  if (parked.cgroup) await removeCgroup(parked.cgroup);
}
