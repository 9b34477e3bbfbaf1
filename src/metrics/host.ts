import { cpus, hostname, release, totalmem, type } from 'node:os';
import si from 'systeminformation';
import type { HostInfo } from '../results/model.js';
import { detectCgroups } from './cgroup.js';

const BUDGET_MS = 1000;

/** What node:os alone can tell, used when systeminformation is slow or fails. */
function fallback(): Omit<HostInfo, 'cgroupVersion'> {
  const cpuList = cpus();
  return {
    hostname: hostname(),
    os: `${type()} ${release()}`,
    kernel: release(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryBytes: totalmem(),
    node: process.version,
  };
}

async function gather(): Promise<Omit<HostInfo, 'cgroupVersion'>> {
  const [cpu, mem, os] = await Promise.all([si.cpu(), si.mem(), si.osInfo()]);
  const base = fallback();
  const brand = [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ').trim();
  return {
    hostname: os.hostname || base.hostname,
    os: [os.distro, os.release].filter(Boolean).join(' ').trim() || base.os,
    kernel: os.kernel || base.kernel,
    cpuModel: brand || base.cpuModel,
    cores: cpu.cores || base.cores,
    memoryBytes: mem.total || base.memoryBytes,
    node: process.version,
  };
}

// Written into every results file so runs from different machines are never compared blindly; bounded
// to ~1 s because systeminformation shells out and must not delay the start of a run.
export async function hostInfo(): Promise<HostInfo> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Omit<HostInfo, 'cgroupVersion'>>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), BUDGET_MS);
    timer.unref();
  });
  const [facts, cgroups] = await Promise.all([
    Promise.race([gather().catch(fallback), timeout]).finally(() => clearTimeout(timer)),
    detectCgroups(),
  ]);
  return { ...facts, cgroupVersion: cgroups.version };
}
