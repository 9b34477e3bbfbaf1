import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupRef } from './cgroupRef.js';
import { readKeyed, readNumber } from './cgroupFiles.js';
import { cgroupModeFrom, parseMountinfo, type CgroupMode } from './cgroupMounts.js';

export type { CgroupMode } from './cgroupMounts.js';

/** One instance's resource figures; a field is absent when this host or kernel does not expose it. */
export interface CgroupStats {
  memoryBytes?: number;
  memoryPeakBytes?: number;
  cpuUsageUs?: number;
  cpuThrottledUs?: number;
  oomKills?: number;
}

// Reads the mount table rather than guessing /sys/fs/cgroup paths: hybrid hosts, containers and v2-only hosts differ.
export async function detectCgroups(): Promise<CgroupMode> {
  if (process.platform !== 'linux') return { version: null, reason: `cgroups exist on Linux only (this is ${process.platform})` };
  let mountinfo: string;
  try {
    mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  } catch (error) {
    return { version: null, reason: `cannot read /proc/self/mountinfo (${String(error)})` };
  }
  return cgroupModeFrom(parseMountinfo(mountinfo), (dir) => {
    try {
      return readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return undefined;
    }
  });
}

/** Drops undefined values so the result satisfies exactOptionalPropertyTypes. */
function defined(stats: { [K in keyof CgroupStats]: number | undefined }): CgroupStats {
  const out: CgroupStats = {};
  for (const [key, value] of Object.entries(stats) as [keyof CgroupStats, number | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const usFromNs = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : Math.round(ns / 1000));

async function readV1(paths: Record<string, string>): Promise<CgroupStats> {
  const [memory, peak, usageNs, cpuStat, oom] = await Promise.all([
    readNumber(paths.memory, 'memory.usage_in_bytes'),
    readNumber(paths.memory, 'memory.max_usage_in_bytes'),
    readNumber(paths.cpuacct ?? paths.cpu, 'cpuacct.usage'),
    readKeyed(paths.cpu, 'cpu.stat'),
    readKeyed(paths.memory, 'memory.oom_control'),
  ]);
  return defined({ memoryBytes: memory, memoryPeakBytes: peak, cpuUsageUs: usFromNs(usageNs), cpuThrottledUs: usFromNs(cpuStat?.throttled_time), oomKills: oom?.oom_kill });
}

async function readV2(dir: string | undefined): Promise<CgroupStats> {
  const [memory, peak, cpuStat, events] = await Promise.all([
    readNumber(dir, 'memory.current'),
    readNumber(dir, 'memory.peak'),
    readKeyed(dir, 'cpu.stat'),
    readKeyed(dir, 'memory.events'),
  ]);
  return defined({ memoryBytes: memory, memoryPeakBytes: peak, cpuUsageUs: cpuStat?.usage_usec, cpuThrottledUs: cpuStat?.throttled_usec, oomKills: events?.oom_kill });
}

/** The v2 directory of a ref: 'unified' by convention, otherwise its only path. */
export function v2Dir(ref: CgroupRef): string | undefined {
  return ref.paths.unified ?? Object.values(ref.paths)[0];
}

// Sampled every second and once more after an instance exits, so a vanished cgroup yields {} rather than an error.
export async function readCgroupStats(ref: CgroupRef): Promise<CgroupStats> {
  return ref.version === 1 ? readV1(ref.paths) : readV2(v2Dir(ref));
}
