// What one container costs the host in memory beyond its cgroup: every process under its containerd shim (the
// shim, runc's or runsc's own processes — gVisor's Sentry, gofer and ptrace stubs — and the function's Node).
// Private memory (USS) is what one more sandbox costs: pages shared with other containers (the node binary,
// runsc's own text) are not in it, so it does not move with whatever else runs; RSS is given beside it.
import { readFile, readdir } from 'node:fs/promises';

export interface SandboxProcesses {
  /** Private (USS: Private_Clean + Private_Dirty) and resident memory of every process in the container's shim tree, MiB. */
  ussMiB: number;
  rssMiB: number;
  /** Their names (comm), e.g. containerd-shim, runsc-sandbox, runsc-gofer, node. */
  names: string[];
}

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

async function readProc(pid: number): Promise<Proc | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; ppid is the second field after it.
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
    return { pid, ppid, comm: stat.slice(stat.indexOf('(') + 1, close), cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

async function memoryKb(pid: number): Promise<{ uss: number; rss: number }> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
  return { uss: kb('Private_Clean') + kb('Private_Dirty'), rss: kb('Rss') };
}

/** The container's shim (its command line names the container id) and all its descendants, with their memory. */
export async function sandboxProcesses(containerId: string): Promise<SandboxProcesses> {
  const procs = (await Promise.all((await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map((e) => readProc(Number(e))))).filter((p): p is Proc => p !== undefined);
  const shim = procs.find((p) => p.comm.startsWith('containerd-shim') && p.cmdline.includes(containerId));
  const roots = shim ? [shim] : procs.filter((p) => p.cmdline.includes(containerId));
  const tree = new Set(roots.map((p) => p.pid));
  // Parents come before children in no guaranteed order: sweep until no process joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!tree.has(p.pid) && tree.has(p.ppid)) grew = tree.add(p.pid) !== undefined;
  }
  const members = procs.filter((p) => tree.has(p.pid));
  const each = await Promise.all(members.map((p) => memoryKb(p.pid)));
  const sum = (key: 'uss' | 'rss'): number => each.reduce((total, m) => total + m[key], 0) / 1024;
  return { ussMiB: sum('uss'), rssMiB: sum('rss'), names: [...new Set(members.map((p) => p.comm))] };
}
