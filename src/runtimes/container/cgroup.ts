import { access } from 'node:fs/promises';
import type { CgroupRef } from '../types.js';
import { ownIdentity } from '../ownerIdentity.js';

const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids'] as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * Where the engine put a container's cgroup on this host. cgroupfs driver: <root>/docker/<id> (v1: one per
 * controller); systemd driver: system.slice/docker-<id>.scope. `parent` is HostConfig.CgroupParent when set.
 */
export async function containerCgroup(id: string, cgroupVersion: string | undefined, parent = ''): Promise<CgroupRef | null> {
  const parents = [parent.replace(/^\/+|\/+$/g, ''), 'docker'].filter(Boolean);
  if (cgroupVersion === '2') {
    const candidates = [...parents.map((p) => `/sys/fs/cgroup/${p}/${id}`), `/sys/fs/cgroup/system.slice/docker-${id}.scope`];
    for (const dir of candidates) if (await exists(dir)) return { version: 2, paths: { unified: dir } };
    return null;
  }
  for (const p of parents) {
    const paths: Record<string, string> = {};
    for (const controller of V1_CONTROLLERS) {
      const dir = `/sys/fs/cgroup/${controller}/${p}/${id}`;
      if (await exists(dir)) paths[controller] = dir;
    }
    const scope = `/sys/fs/cgroup/memory/system.slice/docker-${id}.scope`;
    if (!paths.memory && (await exists(scope))) {
      for (const controller of V1_CONTROLLERS) paths[controller] = `/sys/fs/cgroup/${controller}/system.slice/docker-${id}.scope`;
    }
    if (paths.memory) return { version: 1, paths };
  }
  return null;
}

/** Said on an instance whose cgroup was not found; inside a container (a swarm task) the node's tree is not mounted by default. */
export function noCgroupNote(): string {
  const hint = ownIdentity().inContainer ? " (coldlab runs in a container: mount the node's /sys/fs/cgroup, e.g. `swarm run --host-cgroups`)" : '';
  return `cgroup of the container not found on this host: no per-container metrics${hint}`;
}
