import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instance, InstanceExit, Prepared, ProbeResult, Runtime, StartContext } from '../types.js';
import type { FunctionSpec, Variant } from '../../scenario/variant.js';
import { createLimitedCgroup, removeCgroup, removeLeftoverCgroups } from './cgroupLimits.js';
import { dropFromPageCache } from './pageCache.js';
import { spawnBootstrap } from './spawn.js';
import { ProcessInstance } from './instance.js';
import { readCgroupStats, detectCgroups } from '../../metrics/cgroup.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import { withTimeout } from '../../util/timeout.js';
import { type ModuleFunction, moduleOf } from '../moduleFunction.js';
import { cgroupName } from '../owner.js';

export const BOOTSTRAP = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runners/node/bootstrap.mjs');
const START_TIMEOUT_MS = 30_000;

/** The embedded default: each instance is a Node child process running the bootstrap, in its own cgroup. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const;
  private readonly live = new Map<string, Set<Instance>>();
  private readonly drops = new Set<Promise<unknown>>();

  async probe(): Promise<ProbeResult> {
    const mode = await detectCgroups();
    const limits = mode.version === null ? `memory/CPU limits NOT enforced (${mode.reason})` : `cgroup v${mode.version} limits`;
    return { usable: true, details: `node ${process.version}; ${limits}` };
  }

  async prepare(spec: FunctionSpec, variant: Variant): Promise<Prepared> {
    const fn = moduleOf(spec, this.name);
    await access(fn.path).catch(() => {
      throw new ColdlabError('FUNCTION_NOT_FOUND', `function module ${fn.path} does not exist`, 'check function.path in the scenario', EXIT.usage);
    });
    const notes: string[] = [];
    if (!variant.prewarm) {
      const outcome = await this.dropCache(fn);
      if (!outcome) notes.push('prewarm off: the function files could not be dropped from the page cache, so cold starts read them from memory');
    }
    return { fn, variant, data: {}, notes };
  }

  async start(prepared: Prepared, ctx: StartContext): Promise<Instance> {
    const { variant } = prepared;
    const fn = moduleOf(prepared.fn, this.name);
    const started = nowUs();
    const notes = [...prepared.notes];
    const limits = await createLimitedCgroup({
      name: cgroupName(ctx.runId, ctx.instanceId),
      memoryBytes: variant.memoryMb * 1024 * 1024,
      cpus: variant.cpus,
    });
    if (!limits.enforced) notes.push(`limits not enforced: ${limits.reason}`);
    const cgroup = limits.enforced ? limits.ref : null;
    const env = {
      ...process.env,
      ...fn.env,
      COLDLAB_FN_PATH: fn.path,
      COLDLAB_HANDLER: fn.handler,
      COLDLAB_INSTANCE_ID: ctx.instanceId,
      COLDLAB_MEMORY_MB: String(variant.memoryMb),
    };
    let spawned: ReturnType<typeof spawnBootstrap>;
    try {
      spawned = spawnBootstrap([process.execPath, BOOTSTRAP], env, dirname(fn.path), limits.enforced ? limits.procsFiles : []);
    } catch (error) {
      // spawn() throws at once on what execve would refuse (a NUL in env…): the cgroup made for it goes now, not at the next run.
      if (cgroup) await removeCgroup(cgroup);
      throw new ColdlabError('INSTANCE_SPAWN', `could not start instance ${ctx.instanceId}: ${errorMessage(error)}`, 'check function.env and function.path in the scenario');
    }
    const spawnedAt = await new Promise<number>((done) => spawned.child.once('spawn', () => done(nowUs())).once('error', () => done(nowUs())));
    const cleanup = async (): Promise<void> => {
      spawned.child.kill('SIGKILL');
      if (cgroup) await removeCgroup(cgroup);
    };
    const ready = await withTimeout(spawned.ready, START_TIMEOUT_MS, ctx.signal, () =>
      new ColdlabError('INSTANCE_START_TIMEOUT', `instance ${ctx.instanceId} did not answer within ${START_TIMEOUT_MS / 1000} s`, 'look at the function init; raise memoryMb if it is CPU-starved'),
    ).catch(async (error: unknown) => {
      await cleanup();
      throw error;
    });
    const instance = new ProcessInstance(
      ctx.instanceId,
      `http://127.0.0.1:${ready.port}`,
      spawned.child,
      cgroup,
      limits.enforced,
      notes,
      { createMs: (spawnedAt - started) / 1000, bootMs: ready.bootMs, initMs: ready.initMs, totalMs: (nowUs() - started) / 1000 },
      (code, signal, stopping) => this.classifyExit(cgroup, code, signal, stopping, spawned.stderrTail()),
    );
    this.track(ctx.runId, instance);
    // Keep the files out of the page cache for the next cold start, off the timed path.
    if (!variant.prewarm) void this.dropCache(fn);
    return instance;
  }

  async dispose(runId: string): Promise<void> {
    const instances = [...(this.live.get(runId) ?? [])];
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all(this.drops);
    this.live.delete(runId);
  }

  async cleanupLeftovers(): Promise<string[]> {
    return removeLeftoverCgroups();
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
