// microVM cold start through coldlab (MicrovmRuntime.start, boot and snapshot restore) against the same QEMU
// command started by a shell script polling the same port (bench/qemu-by-hand.sh), alternating samples in one
// run; then QEMU's host memory split into the guest RAM it touched and its own overhead. No CPU quota on either
// side, so both get the same machine.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Prepared } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import { MicrovmRuntime } from '../src/runtimes/microvm/runtime.js';
import { qemuArgs, type QemuLaunch } from '../src/runtimes/microvm/qemu.js';
import { freePort, residentBytes } from '../src/runtimes/microvm/spawn.js';
import { readIntoPageCache } from '../src/runtimes/process/pageCache.js';
import { type WorkingSet, workingSetBytes } from '../src/runtimes/microvm/workingSet.js';
import { type Stats, stats } from './stats.js';

export interface MicrovmBench {
  samples: number;
  accelerator: string;
  boot: { coldlabMs: Stats; byHandMs: Stats };
  restore: { coldlabMs: Stats; byHandMs: Stats };
  /**
   * Eager restore (the snapshot read whole) against lazy restore (RAM mapped from the template's file) and lazy
   * restore with the recorded working set read ahead (prefetch), all through coldlab, with the guest files in the
   * page cache (prewarm on) and evicted (prewarm off); QEMU's RSS and its page faults (major: read from disk)
   * right after the first 200.
   */
  lazy: Record<LazyMode, Record<'warm' | 'cold', { ms: Stats; rssMb: Stats; majorFaults: Stats; minorFaults: Stats }>>;
  /** The lazy restore (files cached) started by hand, the same QEMU command and QMP steps, alternating with coldlab's. */
  lazyByHandMs: Stats;
  /** The prefetch's working set: pages the recording restore touched, and the MB read ahead at each start. */
  workingSet: { pages: number; mb: number } | undefined;
  /** Right after the first 200 of a booted guest: QEMU's RSS, the part of it that is guest RAM, the rest. */
  memory: { rssMb: Stats; guestRamMb: Stats; overheadMb: Stats; guestUsedMb: Stats };
}

export const LAZY_MODES = ['eager', 'lazy', 'prefetch'] as const;
export type LazyMode = (typeof LAZY_MODES)[number];

const SCRIPT = resolve('bench/qemu-by-hand.sh');
const MB = 1048576;

async function byHand(prepared: Prepared): Promise<number> {
  const port = await freePort();
  const data = prepared.data as { launch: Omit<QemuLaunch, 'hostPort' | 'name'>; restore: boolean; lazy?: { snapshot: string } };
  const { launch, lazy, restore } = data;
  // A lazy restore's incoming migration goes over QMP, started by the script beside its polling.
  const qmpSocket = lazy ? join(tmpdir(), `coldlab-bench-qmp-${process.pid}-${port}.sock`) : undefined;
  try {
    const args = qemuArgs({ ...launch, params: [...launch.params, 'coldlab.instance=byhand'], hostPort: port, name: 'coldlab-bench-byhand', ...(qmpSocket ? { qmpSocket } : {}) });
    // A restored guest gets the line coldlab sends it at spawn (set the clock from the RTC): the same guest work.
    const env = { ...(restore ? { CLOCK_FIX: '1' } : {}), ...(lazy && qmpSocket ? { QMP_SOCKET: qmpSocket, SNAPSHOT: lazy.snapshot } : {}) };
    const { stdout } = await execa(SCRIPT, [String(port), ...args], { env });
    return Number(stdout.trim()) / 1000;
  } finally {
    if (qmpSocket) await rm(qmpSocket, { force: true });
  }
}

/** The guest files of a prepared variant into the page cache, before a by-hand start with files cached. */
const cacheFiles = (prepared: Prepared): Promise<void> => readIntoPageCache((prepared.data as { files: string[] }).files);

/** QEMU's page faults so far (minor, major) from /proc/<pid>/stat; its children (the exec:cat) are not counted. */
async function faults(pid: number): Promise<{ minor: number; major: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command's closing parenthesis: state is field 3, minflt 10, majflt 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { minor: Number(fields[7]), major: Number(fields[9]) };
}

/** RSS of QEMU's guest RAM mapping (the anonymous mapping of exactly -m bytes) in /proc/<pid>/smaps, bytes. */
async function guestRamRss(pid: number, memoryMb: number): Promise<number | undefined> {
  const smaps = await readFile(`/proc/${pid}/smaps`, 'utf8').catch(() => '');
  for (const block of smaps.split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)) {
    const size = Number(/^Size:\s+(\d+) kB/m.exec(block)?.[1]);
    if (size === memoryMb * 1024) return Number(/^Rss:\s+(\d+) kB/m.exec(block)?.[1]) * 1024;
  }
  return undefined;
}

export async function benchMicrovmColdStart(fn: FunctionSpec, base: Variant, samples: number): Promise<MicrovmBench> {
  const runtime = new MicrovmRuntime();
  const runId = `bench-vm-${process.pid}`;
  const variant: Variant = { ...base, runtime: 'microvm', memoryMb: 256, cpus: 0, prewarm: true };
  const probe = await runtime.probe();
  try {
    const boot = await runtime.prepare(fn, { ...variant, key: 'bench/boot' }, runId);
    const restore = await runtime.prepare(fn, { ...variant, key: 'bench/restore', microvmStart: 'restore' }, runId);
    const modes = { eager: 'restore', lazy: 'lazy-restore', prefetch: 'lazy-restore-prefetch' } as const;
    const caches = { warm: true, cold: false } as const;
    const lazyPrepared = {} as Record<LazyMode, Record<'warm' | 'cold', Prepared>>;
    const lazyOut = {} as Record<LazyMode, Record<'warm' | 'cold', { ms: number[]; rss: number[]; major: number[]; minor: number[] }>>;
    for (const mode of LAZY_MODES) {
      lazyPrepared[mode] = { warm: restore, cold: restore };
      lazyOut[mode] = { warm: { ms: [], rss: [], major: [], minor: [] }, cold: { ms: [], rss: [], major: [], minor: [] } };
      for (const cache of ['warm', 'cold'] as const) {
        if (mode === 'eager' && cache === 'warm') continue;
        lazyPrepared[mode][cache] = await runtime.prepare(fn, { ...variant, key: `bench/${mode}-${cache}`, microvmStart: modes[mode], prewarm: caches[cache] }, runId);
      }
    }
    const out = { boot: { coldlab: [] as number[], byHand: [] as number[] }, restore: { coldlab: [] as number[], byHand: [] as number[] } };
    const memory = { rss: [] as number[], guestRam: [] as number[], overhead: [] as number[], guestUsed: [] as number[] };
    const lazyByHand: number[] = [];
    const lazyByHandSample = async (): Promise<void> => {
      await cacheFiles(lazyPrepared.lazy.warm);
      lazyByHand.push(await byHand(lazyPrepared.lazy.warm));
    };
    for (let i = 0; i < samples; i++) {
      for (const [kind, prepared] of [['boot', boot], ['restore', restore]] as const) {
        const coldlabFirst = i % 2 === 0;
        // Both sides with the guest files cached (prewarm on), whatever the sample before them evicted.
        await cacheFiles(prepared);
        if (!coldlabFirst) {
          out[kind].byHand.push(await byHand(prepared));
          await cacheFiles(prepared);
        }
        const instance = await runtime.start(prepared, { instanceId: `${kind}${i}`, runId });
        // The start as coldlab times it: from its cgroup to the first 200, not the wait for another sample's
        // eviction to finish and the files read back before it (a run's variants do not interleave like this).
        out[kind].coldlab.push(instance.start.totalMs);
        if (kind === 'boot' && instance.pid !== undefined) {
          const sandbox = await instance.sandboxMemory?.();
          const ram = await guestRamRss(instance.pid, variant.memoryMb);
          if (sandbox?.hostRssBytes !== undefined && ram !== undefined) {
            memory.rss.push(sandbox.hostRssBytes / MB);
            memory.guestRam.push(ram / MB);
            memory.overhead.push((sandbox.hostRssBytes - ram) / MB);
          }
          if (sandbox?.guest) memory.guestUsed.push((sandbox.guest.memTotalKb - sandbox.guest.memAvailableKb) / 1024);
        }
        await instance.stop();
        if (coldlabFirst) {
          await cacheFiles(prepared);
          out[kind].byHand.push(await byHand(prepared));
        }
      }
      // The lazy restore by hand beside coldlab's cells, first or last in turn.
      if (i % 2 === 0) await lazyByHandSample();
      const cells = LAZY_MODES.flatMap((mode) => (['warm', 'cold'] as const).map((cache) => [mode, cache] as const));
      for (const [mode, cache] of i % 2 === 0 ? cells : cells.reverse()) {
        const instance = await runtime.start(lazyPrepared[mode][cache], { instanceId: `${mode}-${cache}${i}`, runId });
        const cell = lazyOut[mode][cache];
        cell.ms.push(instance.start.totalMs);
        if (instance.pid !== undefined) {
          const f = await faults(instance.pid);
          cell.major.push(f.major);
          cell.minor.push(f.minor);
          cell.rss.push(((await residentBytes(instance.pid)) ?? NaN) / MB);
        }
        await instance.stop();
      }
      if (i % 2 === 1) await lazyByHandSample();
    }
    const set = (lazyPrepared.prefetch.cold.data as { lazy?: { workingSet?: WorkingSet } }).lazy?.workingSet;
    const lazyStats = (c: { ms: number[]; rss: number[]; major: number[]; minor: number[] }) => ({ ms: stats(c.ms), rssMb: stats(c.rss), majorFaults: stats(c.major), minorFaults: stats(c.minor) });
    return {
      samples,
      accelerator: probe.usable ? (probe.facts?.accelerator ?? '?') : '?',
      boot: { coldlabMs: stats(out.boot.coldlab), byHandMs: stats(out.boot.byHand) },
      restore: { coldlabMs: stats(out.restore.coldlab), byHandMs: stats(out.restore.byHand) },
      lazy: Object.fromEntries(LAZY_MODES.map((mode) => [mode, { warm: lazyStats(lazyOut[mode].warm), cold: lazyStats(lazyOut[mode].cold) }])) as MicrovmBench['lazy'],
      lazyByHandMs: stats(lazyByHand),
      workingSet: set ? { pages: set.pages, mb: workingSetBytes(set) / MB } : undefined,
      memory: { rssMb: stats(memory.rss), guestRamMb: stats(memory.guestRam), overheadMb: stats(memory.overhead), guestUsedMb: stats(memory.guestUsed) },
    };
  } finally {
    await runtime.dispose(runId);
  }
}
