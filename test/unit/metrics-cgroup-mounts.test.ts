import { describe, expect, it } from 'vitest';
import { cgroupModeFrom, parseMountinfo } from '../../src/metrics/cgroupMounts.js';
import { parseKeyed } from '../../src/metrics/cgroupFiles.js';

// Hybrid host (this development machine): v1 controllers plus an empty v2 tree at /sys/fs/cgroup/unified.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;

// v2-only host (most current distributions).
const V2_ONLY = `22 26 0:21 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`;

describe('parseMountinfo', () => {
  it('lists cgroup mounts with their v1 controllers, leaving named hierarchies out', () => {
    expect(parseMountinfo(HYBRID)).toEqual([
      { fstype: 'cgroup', dir: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'] },
      { fstype: 'cgroup', dir: '/sys/fs/cgroup/memory', controllers: ['memory'] },
      { fstype: 'cgroup', dir: '/sys/fs/cgroup/systemd', controllers: [] },
      { fstype: 'cgroup2', dir: '/sys/fs/cgroup/unified', controllers: [] },
    ]);
  });

  it('unescapes blanks in mount points', () => {
    expect(parseMountinfo('50 1 0:40 / /mnt/my\\040cg rw - cgroup2 none rw')[0]?.dir).toBe('/mnt/my cg');
  });
});

describe('cgroupModeFrom', () => {
  it('uses v1 on a hybrid host whose v2 tree has no controllers', () => {
    const mode = cgroupModeFrom(parseMountinfo(HYBRID), () => []);
    expect(mode).toEqual({ version: 1, roots: { cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', memory: '/sys/fs/cgroup/memory' } });
  });

  it('uses v2 when the unified tree offers memory and cpu', () => {
    expect(cgroupModeFrom(parseMountinfo(V2_ONLY), () => ['cpuset', 'cpu', 'io', 'memory', 'pids'])).toEqual({ version: 2, root: '/sys/fs/cgroup' });
  });

  it('explains what is missing', () => {
    const noCpu = cgroupModeFrom(parseMountinfo(V2_ONLY), () => ['memory', 'pids']);
    expect(noCpu).toEqual({ version: null, reason: expect.stringContaining('offers memory pids') });
    const none = cgroupModeFrom([], () => undefined);
    expect(none.version).toBeNull();
    if (none.version === null) expect(none.reason).toMatch(/no cgroup filesystem/);
  });
});

describe('parseKeyed', () => {
  it('reads cpu.stat and memory.oom_control style files', () => {
    expect(parseKeyed('nr_periods 10\nnr_throttled 3\nthrottled_time 123456\n')).toEqual({ nr_periods: 10, nr_throttled: 3, throttled_time: 123456 });
    expect(parseKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 2').oom_kill).toBe(2);
  });
});
