/** How this host exposes cgroups: v1 controllers (each at its own mount), a v2 unified tree, or none usable. */
export type CgroupMode =
  | { version: 1; roots: Record<string, string> /* controller -> mount dir */ }
  | { version: 2; root: string }
  | { version: null; reason: string };

export interface CgroupMount {
  fstype: 'cgroup' | 'cgroup2';
  dir: string;
  /** v1: the controllers bound to this hierarchy (named hierarchies like name=systemd are left out). */
  controllers: string[];
}

/** The controllers coldlab needs to enforce limits; cpuacct is read for CPU time when present. */
export const REQUIRED_CONTROLLERS = ['memory', 'cpu'] as const;

// mountinfo escapes blanks and backslashes in paths as octal (\040), so a path with a space still parses.
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The cgroup mounts listed in /proc/self/mountinfo (format: proc(5), "/proc/pid/mountinfo"). */
export function parseMountinfo(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    const dir = left[4];
    if (dir === undefined || (fstype !== 'cgroup' && fstype !== 'cgroup2')) continue;
    const controllers = fstype === 'cgroup' ? superOptions.split(',').filter((o) => KNOWN_V1.has(o)) : [];
    mounts.push({ fstype, dir: unescapeMountPath(dir), controllers });
  }
  return mounts;
}

const KNOWN_V1 = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'blkio', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc']);

/**
 * Picks the hierarchy that can enforce memory and CPU limits. A v2 tree wins when it owns those
 * controllers (v2-only hosts); on hybrid hosts the v2 tree is empty and the v1 controllers are used.
 */
export function cgroupModeFrom(mounts: CgroupMount[], v2Controllers: (dir: string) => string[] | undefined): CgroupMode {
  const v2 = mounts.filter((m) => m.fstype === 'cgroup2');
  const offered: string[] = [];
  for (const mount of v2) {
    const available = v2Controllers(mount.dir) ?? [];
    if (REQUIRED_CONTROLLERS.every((c) => available.includes(c))) return { version: 2, root: mount.dir };
    offered.push(`the v2 tree at ${mount.dir} offers ${available.join(' ') || 'no controllers'}`);
  }
  const roots: Record<string, string> = {};
  for (const mount of mounts) {
    if (mount.fstype !== 'cgroup') continue;
    for (const controller of mount.controllers) roots[controller] ??= mount.dir;
  }
  if (REQUIRED_CONTROLLERS.every((c) => roots[c] !== undefined)) return { version: 1, roots };
  if (mounts.length === 0) return { version: null, reason: 'no cgroup filesystem is mounted (not Linux, or /sys/fs/cgroup is hidden from this environment)' };
  const v1 = Object.keys(roots);
  offered.push(`v1 hierarchies offer ${v1.join(' ') || 'no controllers'}`);
  return { version: null, reason: `no cgroup hierarchy offers both the memory and cpu controllers (${offered.join('; ')})` };
}
