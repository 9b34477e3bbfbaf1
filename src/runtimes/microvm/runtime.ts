import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Instance, InstanceExit, Prepared, ProbeResult, Runtime, StartContext } from '../types.js';
import type { FunctionSpec, Variant } from '../../scenario/variant.js';
import { createLimitedCgroup, removeCgroup, removeLeftoverCgroups } from '../process/cgroupLimits.js';
import { dropFromPageCache, readIntoPageCache } from '../process/pageCache.js';
import { readCgroupStats } from '../../metrics/cgroup.js';
import { moduleOf } from '../moduleFunction.js';
import { cgroupName } from '../ownerIdentity.js';
import { nowUs } from '../../util/clock.js';
import { ColdlabError, errorMessage } from '../../util/errors.js';
import { launchGuest } from './boot.js';
import { functionDisk, guestBase } from './guest.js';
import { MicrovmInstance } from './instance.js';
import { removeLeftoverVms, runStateDir, vmName } from './leftovers.js';
import type { QemuLaunch } from './qemu.js';
import { hasDeathSignal } from './spawn.js';
import { saveSnapshot } from './snapshot.js';
import { startLazyIncoming } from './qmp.js';
import { prefetchWorkingSet, recordWorkingSet, type WorkingSet, workingSetBytes } from './workingSet.js';

/** What start() needs, built by prepare(). */
interface MicrovmData {
  launch: Omit<QemuLaunch, 'hostPort' | 'name'>;
  /** Files a boot (or restore) reads: evicted from the page cache before each start when prewarm is off. */
  files: string[];
  /** Prewarm on: how many evictions this runtime had made when the files were last read into the page cache. */
  cachedAtDrop?: number;
  restore: boolean;
  /** Lazy restore: each instance maps this RAM file privately and loads the device state from this snapshot over QMP; with a working set, its pages are read ahead at each start. */
  lazy?: { ramFile: string; snapshot: string; workingSet?: WorkingSet };
}

/** A hung guest never answers. Under KVM a boot takes well under a second; under TCG on a busy 2-core host it took up to ~50 s here. */
const startTimeoutMs = (accel: string): number => Number(process.env.COLDLAB_MICROVM_START_TIMEOUT_MS) || (accel === 'kvm' ? 30_000 : 120_000);
/** Host memory QEMU may use beyond the guest's RAM (TCG code buffer, mapped kernel, devices) before its cgroup stops it. */
const QEMU_OVERHEAD_MB = 768;

const ms = (fromUs: number, toUs = nowUs()): number => (toUs - fromUs) / 1000;

/** Each instance is a QEMU `microvm` guest (KVM where it works, else TCG) booting Node and the function, or restored from a snapshot. */
export class MicrovmRuntime implements Runtime {
  readonly name = 'microvm' as const;
  private readonly live = new Map<string, Set<MicrovmInstance>>();
  private readonly drops = new Set<Promise<unknown>>();
  /** Evictions started so far (any variant's). */
  private dropCount = 0;

  async probe(): Promise<ProbeResult> {
    try {
      const base = await guestBase();
      return {
        usable: true,
        details: `QEMU ${base.qemuVersion} microvm, accelerator ${base.accel.accel} (${base.accel.why}), guest kernel ${base.kernelVersion} (PVH)${(await hasDeathSignal()) ? '' : '; setpriv missing: VMs of a killed coldlab live until `coldlab doctor --cleanup`'}`,
        facts: { accelerator: base.accel.accel, qemu: base.qemuVersion, guestKernel: base.kernelVersion },
      };
    } catch (error) {
      return { usable: false, reason: errorMessage(error), fix: error instanceof ColdlabError ? error.hint : 'see the message' };
    }
  }

  async prepare(spec: FunctionSpec, variant: Variant, runId: string): Promise<Prepared> {
    const fn = moduleOf(spec, this.name);
    const base = await guestBase();
    const rootDisk = await functionDisk(fn);
    const prefetch = variant.microvmStart === 'lazy-restore-prefetch';
    const lazy = variant.microvmStart === 'lazy-restore' || prefetch;
    const restore = variant.microvmStart === 'restore' || lazy;
    const launch: MicrovmData['launch'] = {
      accel: base.accel.accel,
      memoryMb: variant.memoryMb,
      vcpus: Math.max(1, Math.ceil(variant.cpus)),
      vmlinux: base.vmlinux,
      initramfs: base.initramfs,
      rootDisk,
      tscKhz: base.tscKhz,
      params: [`coldlab.memory=${variant.memoryMb}`],
    };
    const notes = [`microVM on QEMU ${base.qemuVersion}, accelerator ${base.accel.accel}: ${base.accel.why}`];
    const files = [base.vmlinux, base.initramfs, rootDisk];
    let lazyFiles: MicrovmData['lazy'];
    if (restore) {
      const dir = runStateDir(runId);
      await mkdir(dir, { recursive: true });
      const snapshot = await saveSnapshot({ launch: { ...launch, params: [...launch.params, 'coldlab.instance=snapshot'] }, dir, key: variant.key, timeoutMs: startTimeoutMs(launch.accel), name: vmName(runId, 'snapshot'), lazy });
      launch.params.push('coldlab.instance=snapshot');
      if (snapshot.ramFile) {
        launch.incoming = 'defer';
        launch.ramFile = { path: snapshot.ramFile, shared: false };
        lazyFiles = { ramFile: snapshot.ramFile, snapshot: snapshot.file };
        files.push(snapshot.ramFile);
        notes.push('lazy restore: guest RAM is mapped copy-on-write from the template\'s RAM file, so a page is read when the guest first touches it; only the device state is loaded by migration (x-ignore-shared)');
      } else launch.incoming = snapshot.file;
      files.push(snapshot.file);
      notes.push(
        `restore: instances resume one snapshot of a booted guest (${Math.round(snapshot.bytes / 1048576)} MB, saved in ${Math.round(snapshot.ms)} ms); they all share its state, random state included (kernel entropy pool, Node's Math.random and crypto seeds), and its instance id; each one's wall clock is set from its RTC (QEMU keeps it on the host's clock) as it resumes, before the start counts as done`,
      );
    }
    if (!variant.prewarm) {
      const outcome = await this.dropCache(files);
      notes.push(outcome ? `prewarm off: the kernel, initramfs, root disk${restore ? ' and snapshot' : ''} are evicted from the page cache before each start` : 'prewarm off: the guest files could not be dropped from the page cache, so starts read them from memory');
    }
    const data: MicrovmData = { launch, files, restore, ...(lazyFiles ? { lazy: lazyFiles } : {}) };
    if (variant.prewarm) {
      // Cached as of no eviction; a prewarm-off variant before this one may have evicted files they share.
      data.cachedAtDrop = 0;
      await this.keepCached(data);
    }
    const sandbox = { sandbox: 'microvm', 'microvm.accelerator': base.accel.accel, 'microvm.qemu': base.qemuVersion, 'microvm.kernel': base.kernelVersion };
    const prepared: Prepared = { fn, variant, data: data as unknown as Record<string, unknown>, notes, sandbox };
    if (prefetch && data.lazy) {
      const recorded = await this.recordWorkingSet(prepared, data.lazy.ramFile, runId);
      data.lazy.workingSet = recorded.set;
      notes.push(`lazy restore with prefetch: the pages a restored guest touched up to its first answer (${recorded.set.pages.toLocaleString('en-US')} pages of the template's RAM, ${(workingSetBytes(recorded.set) / 1048576).toFixed(1)} MB in ${recorded.set.ranges.length} reads, recorded on one restore at prepare in ${Math.round(recorded.ms)} ms) are read into the page cache at each start beside QEMU's own start`);
    }
    return prepared;
  }

  async start(prepared: Prepared, ctx: StartContext): Promise<Instance> {
    const data = prepared.data as unknown as MicrovmData;
    const { variant } = prepared;
    // Off the timed path: the previous start's eviction finishes first, so this one reads from disk; with
    // prewarm on, what was evicted since is read back in.
    await this.keepCached(data);
    const startedUs = nowUs();
    // Beside everything below: the guest's first touches come well after QEMU's own start.
    const prefetched = data.lazy?.workingSet ? prefetchWorkingSet(data.lazy.ramFile, data.lazy.workingSet) : undefined;
    const notes = [...prepared.notes];
    const limits = await createLimitedCgroup({ name: cgroupName(ctx.runId, ctx.instanceId), memoryBytes: (variant.memoryMb + QEMU_OVERHEAD_MB) * 1048576, cpus: variant.cpus });
    notes.push(limits.enforced ? `QEMU runs in a cgroup with ${variant.cpus} CPU; the guest's memory limit is its RAM (-m ${variant.memoryMb}M)` : `CPU share not enforced: ${limits.reason}`);
    const cgroup = limits.enforced ? limits.ref : null;
    const params = data.restore ? data.launch.params : [...data.launch.params, `coldlab.instance=${ctx.instanceId}`];
    const timeoutMs = startTimeoutMs(data.launch.accel);
    // Restore: the clock fix is sent at spawn and confirmed beside the health polling, never after it; the
    // start still resolves only once it is confirmed, so no request is served with the snapshot's time.
    let clock: Promise<number | undefined> | undefined;
    const { lazy } = data;
    const qmpSocket = lazy ? join(runStateDir(ctx.runId), `qmp-${createHash('sha256').update(ctx.instanceId).digest('hex').slice(0, 12)}.sock`) : undefined;
    const guest = await launchGuest({
      alongside: data.restore
        ? async (qemu) => {
            clock = qemu.console.clockFromRtc(timeoutMs);
            if (lazy && qmpSocket) await startLazyIncoming(qmpSocket, lazy.snapshot, timeoutMs, qemu.gone);
            await clock;
          }
        : undefined,
      launch: { ...data.launch, params, name: vmName(ctx.runId, ctx.instanceId), ...(qmpSocket ? { qmpSocket } : {}) },
      procsFiles: limits.enforced ? limits.procsFiles : [],
      timeoutMs,
      signal: ctx.signal,
      what: `instance ${ctx.instanceId}`,
    }).catch(async (error: unknown) => {
      await prefetched?.catch(() => undefined);
      if (cgroup) await removeCgroup(cgroup);
      throw error;
    });
    const readyUs = nowUs();
    // A read that failed (the file gone?) only costs the guest its faults: the start stands.
    await prefetched?.catch((error: unknown) => notes.push(`lazy restore: the working set could not be read ahead (${errorMessage(error)})`));
    if (clock && (await clock) === undefined) notes.push("restore: the guest did not confirm its clock correction; its wall clock may lag by the snapshot's age");
    const createMs = ms(startedUs, guest.spawnedUs);
    const totalMs = ms(startedUs, readyUs);
    // Booted: kernel + Node until the function's init began, then the init. Restored: the init ran before the snapshot.
    const start = data.restore
      ? { createMs, bootMs: Math.max(0, totalMs - createMs), totalMs }
      : { createMs, bootMs: Math.max(0, totalMs - createMs - guest.health.initMs), initMs: guest.health.initMs, totalMs };
    const instance = new MicrovmInstance({
      id: ctx.instanceId,
      url: guest.url,
      qemu: guest.qemu,
      cgroup,
      limitsEnforced: limits.enforced,
      notes,
      start,
      classifyExit: (code, signal, stopping) => classifyExit(cgroup, code, signal, stopping, guest.qemu.console.lastLines(8)),
    });
    this.track(ctx.runId, instance);
    if (!variant.prewarm) void this.dropCache(data.files);
    return instance;
  }

  /**
   * The working set of a lazy restore: one instance restored off the record (not a start of the run), asked for
   * the function's route once, and the pages of the template's RAM its QEMU then maps, read from /proc.
   */
  private async recordWorkingSet(prepared: Prepared, ramFile: string, runId: string): Promise<{ set: WorkingSet; ms: number }> {
    const startedUs = nowUs();
    const instance = await this.start(prepared, { instanceId: 'record-working-set', runId });
    try {
      const answer = await fetch(instance.url, { signal: AbortSignal.timeout(startTimeoutMs((prepared.data as unknown as MicrovmData).launch.accel)) });
      await answer.arrayBuffer();
      if (instance.pid === undefined) throw new Error('QEMU has no pid');
      return { set: await recordWorkingSet(instance.pid, resolve(ramFile)), ms: ms(startedUs) };
    } catch (error) {
      throw new ColdlabError('MICROVM_WORKING_SET_FAILED', `recording the lazy restore's working set failed: ${errorMessage(error)}`, 'run with microvmStart: lazy-restore (no prefetch)', undefined, { cause: error });
    } finally {
      await instance.stop();
    }
  }

  /**
   * Waits for the evictions under way; with prewarm on, reads the guest files back into the page cache if
   * anything was evicted since they last were (variants share the kernel, initramfs and root disk).
   */
  private async keepCached(data: MicrovmData): Promise<void> {
    await Promise.all(this.drops);
    if (data.cachedAtDrop === undefined || data.cachedAtDrop === this.dropCount) return;
    await readIntoPageCache(data.files);
    data.cachedAtDrop = this.dropCount;
  }

  async dispose(runId: string): Promise<void> {
    await Promise.all([...(this.live.get(runId) ?? [])].map((i) => i.stop().catch(() => undefined)));
    this.live.delete(runId);
    await Promise.all(this.drops);
    await rm(runStateDir(runId), { recursive: true, force: true });
  }

  /** QEMU processes and state folders of a coldlab that is gone, and its cgroups. */
  async cleanupLeftovers(): Promise<string[]> {
    return [...(await removeLeftoverVms()), ...(await removeLeftoverCgroups())];
  }

  private track(runId: string, instance: MicrovmInstance): void {
    const set = this.live.get(runId) ?? new Set<MicrovmInstance>();
    this.live.set(runId, set);
    set.add(instance);
    void instance.exited.then(() => set.delete(instance));
  }

  private async dropCache(files: string[]): Promise<boolean> {
    this.dropCount++;
    const drop = dropFromPageCache(files);
    this.drops.add(drop);
    const outcome = await drop.finally(() => this.drops.delete(drop));
    return outcome.dropped;
  }
}

async function classifyExit(cgroup: Instance['cgroup'], code: number | null, signal: NodeJS.Signals | null, stopping: boolean, consoleTail: string[]): Promise<InstanceExit> {
  let reason: InstanceExit['reason'] = stopping ? 'stopped' : 'crashed';
  if (cgroup) {
    if (((await readCgroupStats(cgroup)).oomKills ?? 0) > 0) reason = 'oom-killed';
    await removeCgroup(cgroup);
  }
  const detail = reason === 'stopped' ? undefined : consoleTail.join(' | ') || undefined;
  return { reason, code, signal, ...(detail ? { detail } : {}) };
}

