/** Where an instance's resource figures can be read (cgroup v1 or v2), if limits were applied. */
export interface CgroupRef {
  version: 1 | 2;
  /** v2: the cgroup directory. v1: one directory per controller, e.g. { memory: '/sys/fs/cgroup/memory/coldlab/x', cpu: ..., cpuacct: ... }. */
  paths: Record<string, string>;
}
