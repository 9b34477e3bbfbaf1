import { access, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Instance, InstanceExit, Prepared, ProbeResult, Runtime, StartContext } from '../types.js';
import type { FunctionSpec, Variant } from '../../scenario/variant.js';
import { removeCgroup, removeLeftoverCgroups } from './cgroupLimits.js';
import { dropFromPageCache } from './pageCache.js';
import { discard, park, unpark, usable, type Parked } from './spare.js';
import { ProcessInstance } from './instance.js';
import { readCgroupStats, detectCgroups } from '../../metrics/cgroup.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import { withTimeout } from '../../util/timeout.js';
import { type ModuleFunction, moduleOf } from '../moduleFunction.js';
import { cgroupName } from '../ownerIdentity.js';

import { BOOTSTRAP } from './bootstrapPath.js';

export { BOOTSTRAP };
const START_TIMEOUT_MS = 30_000;

/** The embedded default: each instance is a Node child process running the bootstrap, in its own cgroup. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const;
  private readonly live = new Map<string, Set<Instance>>();
  private readonly drops = new Set<Promise<unknown>>();
  /** One start parked ahead for the variant being run (spare.ts), and the refill under way. */
  private spare: Parked | undefined;
  private refilling: Promise<void> | undefined;
  private parkCount = 0;

  async probe(): Promise<ProbeResult> {
    const mode = await detectCgroups();
    const dir = mode.version === 1 ? mode.roots.memory : mode.version === 2 ? mode.root : undefined;
    // Inside a container the tree is mounted read-only: present, but no instance cgroup can be made there.
    const writable = dir !== undefined && (await access(dir, constants.W_OK).then(() => true, () => false));
    const limits =
      mode.version === null
        ? `memory/CPU limits NOT enforced (${mode.reason})`
        : writable
          ? `cgroup v${mode.version} limits`
          : `memory/CPU limits NOT enforced (the cgroup tree at ${dir ?? '/sys/fs/cgroup'} is not writable here (read-only inside a container, or not root): run as root, or in a container mount the host's /sys/fs/cgroup read-write, e.g. \`swarm run --host-cgroups\`)`;
    return { usable: true, details: `node ${process.version}; ${limits}` };
  }

  async prepare(spec: FunctionSpec, variant: Variant, runId: string): Promise<Prepared> {
    const fn = moduleOf(spec, this.name);
    await access(fn.path).catch(() => {
      throw new ColdlabError('FUNCTION_NOT_FOUND', `function module ${fn.path} does not exist`, 'check function.path in the scenario', EXIT.usage);
    });
    const notes: string[] = [];
    if (!variant.prewarm) {
      const outcome = await this.dropCache(fn);
      if (!outcome) notes.push('prewarm off: the function files could not be dropped from the page cache, so cold starts read them from memory');
    }
    const prepared: Prepared = { fn, variant, data: {}, notes };
    // The previous variant's parked start has the wrong limits: swap it for one of this variant.
    await this.dropSpare();
    this.spare = await this.park(prepared, runId);
    return prepared;
  }

  async start(prepared: Prepared, ctx: StartContext): Promise<Instance> {
    const started = nowUs();
    const parked = this.takeSpare(prepared) ?? (await this.park(prepared, ctx.runId));
    const goAt = nowUs();
    unpark(parked, ctx.instanceId);
    const { spawned, cgroup } = parked;
    const ready = await withTimeout(spawned.ready, START_TIMEOUT_MS, ctx.signal, () =>
      new ColdlabError('INSTANCE_START_TIMEOUT', `instance ${ctx.instanceId} did not answer within ${START_TIMEOUT_MS / 1000} s`, 'look at the function init; raise memoryMb if it is CPU-starved'),
    ).catch(async (error: unknown) => {
      await discard(parked);
      throw error;
    });
    const instance = new ProcessInstance(
      ctx.instanceId,
      `http://127.0.0.1:${ready.port}`,
      spawned.child,
      cgroup,
      parked.limitsEnforced,
      parked.notes,
      // createMs: cgroup and shell, ~0 when a parked start was ready (made off the timed path).
      { createMs: (goAt - started) / 1000, bootMs: ready.bootMs, initMs: ready.initMs, totalMs: (nowUs() - started) / 1000 },
      (code, signal, stopping) => this.classifyExit(cgroup, code, signal, stopping, spawned.stderrTail()),
    );
    this.track(ctx.runId, instance);
    this.refill(prepared, ctx.runId);
    // Keep the files out of the page cache for the next cold start, off the timed path.
    if (!prepared.variant.prewarm) void this.dropCache(moduleOf(prepared.fn, this.name));
    return instance;
  }

  async dispose(runId: string): Promise<void> {
    await this.refilling;
    if (this.spare?.runId === runId) await this.dropSpare();
    const instances = [...(this.live.get(runId) ?? [])];
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all(this.drops);
    this.live.delete(runId);
  }

  async cleanupLeftovers(): Promise<string[]> {
    return removeLeftoverCgroups();
  }

  private park(prepared: Prepared, runId: string): Promise<Parked> {
    const fn = moduleOf(prepared.fn, this.name);
    const env = {
      ...process.env,
      ...fn.env,
      COLDLAB_FN_PATH: fn.path,
      COLDLAB_HANDLER: fn.handler,
      COLDLAB_MEMORY_MB: String(prepared.variant.memoryMb),
    };
    return park({ prepared, runId, cgroupName: cgroupName(runId, `park${++this.parkCount}`), command: [process.execPath, BOOTSTRAP], env, cwd: dirname(fn.path) });
  }

  private takeSpare(prepared: Prepared): Parked | undefined {
    const spare = this.spare;
    if (!spare || spare.prepared !== prepared) return undefined;
    this.spare = undefined;
    if (usable(spare)) return spare;
    void discard(spare);
    return undefined;
  }

  // Parks the next start once this one is done, so it is ready before the next cold start asks for it.
  private refill(prepared: Prepared, runId: string): void {
    if (this.spare || this.refilling) return;
    this.refilling = this.park(prepared, runId).then(
      (parked) => {
        this.refilling = undefined;
        if (this.spare) void discard(parked);
        else this.spare = parked;
      },
      () => {
        // A failed refill costs nothing but speed: the next start parks its own and reports the error.
        this.refilling = undefined;
      },
    );
  }

  private async dropSpare(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    if (spare) await discard(spare);
  }

  private track(runId: string, instance: Instance): void {
    const set = this.live.get(runId) ?? new Set<Instance>();
    this.live.set(runId, set);
    set.add(instance);
    void instance.exited.then(() => set.delete(instance));
  }

  private async dropCache(fn: ModuleFunction): Promise<boolean> {
    const drop = dropFromPageCache([dirname(fn.path), BOOTSTRAP]);
    this.drops.add(drop);
    const outcome = await drop.finally(() => this.drops.delete(drop));
    return outcome.dropped;
  }

  private async classifyExit(cgroup: Instance['cgroup'], code: number | null, signal: NodeJS.Signals | null, stopping: boolean, stderr: string): Promise<InstanceExit> {
    let reason: InstanceExit['reason'] = stopping ? 'stopped' : 'crashed';
    if (cgroup) {
      const stats = await readCgroupStats(cgroup);
      if ((stats.oomKills ?? 0) > 0) reason = 'oom-killed';
      await removeCgroup(cgroup);
    }
    const detail = reason === 'stopped' ? undefined : stderr.split('\n').slice(-3).join(' | ') || undefined;
    return { reason, code, signal, ...(detail ? { detail } : {}) };
  }
}
