import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCgroupStats } from '../../src/metrics/cgroup.js';
import { createLimitedCgroupIn, removeLeftoverCgroupsIn } from '../../src/runtimes/process/cgroupLimits.js';

// This host has no controllers on its v2 hierarchy, so these tests run the v2 code against a temporary
// directory laid out like /sys/fs/cgroup on a v2-only host. A stand-in for a real v2 host, not a replacement.
let root: string;
const name = 'coldlab-run1-i1';

/** Writes files the way the kernel shows them; a directory the kernel would create on mkdir is created here. */
async function layout(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

const read = (path: string) => readFile(join(root, path), 'utf8');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'coldlab-v2-'));
  await layout({ 'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n', 'cgroup.subtree_control': '', 'cgroup.procs': '1\n' });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('cgroup v2 (simulated sysfs tree: no v2 controllers on this host)', () => {
  it('enables +memory +cpu down the tree and writes memory.max, memory.swap.max and cpu.max', async () => {
    await layout({
      'coldlab/cgroup.subtree_control': '',
      [`coldlab/${name}/memory.max`]: 'max\n',
      [`coldlab/${name}/memory.swap.max`]: 'max\n',
      [`coldlab/${name}/cpu.max`]: 'max 100000\n',
      [`coldlab/${name}/cgroup.procs`]: '',
    });
    const outcome = await createLimitedCgroupIn({ version: 2, root }, { name, memoryBytes: 128 << 20, cpus: 0.29 });
    const dir = join(root, 'coldlab', name);
    expect(outcome).toEqual({ enforced: true, ref: { version: 2, paths: { unified: dir } }, procsFiles: [join(dir, 'cgroup.procs')] });
    expect(await read('cgroup.subtree_control')).toBe('+memory +cpu');
    expect(await read('coldlab/cgroup.subtree_control')).toBe('+memory +cpu');
    expect(await read(`coldlab/${name}/memory.max`)).toBe(String(128 << 20));
    expect(await read(`coldlab/${name}/memory.swap.max`)).toBe('0');
    expect(await read(`coldlab/${name}/cpu.max`)).toBe('29000 100000');
  });

  it('leaves enabled controllers alone, and skips the swap knob where the kernel has none', async () => {
    await writeFile(join(root, 'cgroup.subtree_control'), 'cpu io memory pids\n');
    await layout({ 'coldlab/cgroup.subtree_control': 'cpu memory\n', [`coldlab/${name}/memory.max`]: 'max\n', [`coldlab/${name}/cpu.max`]: 'max 100000\n' });
    const outcome = await createLimitedCgroupIn({ version: 2, root }, { name, memoryBytes: 64 << 20, cpus: Infinity });
    expect(outcome.enforced).toBe(true);
    expect(await read('cgroup.subtree_control')).toBe('cpu io memory pids\n');
    expect(await read(`coldlab/${name}/cpu.max`)).toBe('max 100000');
    expect(existsSync(join(root, 'coldlab', name, 'memory.swap.max'))).toBe(false);
  });

  it('reports, without throwing, a group whose memory controller is not enabled, and removes what it created', async () => {
    await layout({ 'coldlab/cgroup.subtree_control': '' });
    const outcome = await createLimitedCgroupIn({ version: 2, root }, { name, memoryBytes: 64 << 20, cpus: 0.5 });
    expect(outcome.enforced).toBe(false);
    if (!outcome.enforced) expect(outcome.reason).toMatch(/memory\.max does not exist/);
    expect(existsSync(join(root, 'coldlab', name))).toBe(false);
  });

  it('reads memory.current, memory.peak, cpu.stat and memory.events', async () => {
    const dir = join(root, 'coldlab', name);
    await layout({
      [`coldlab/${name}/memory.current`]: '52428800\n',
      [`coldlab/${name}/memory.peak`]: '67108864\n',
      [`coldlab/${name}/cpu.stat`]: 'usage_usec 812345\nuser_usec 700000\nsystem_usec 112345\nnr_periods 40\nnr_throttled 12\nthrottled_usec 301234\n',
      [`coldlab/${name}/memory.events`]: 'low 0\nhigh 0\nmax 17\noom 1\noom_kill 1\noom_group_kill 0\n',
    });
    const ref = { version: 2 as const, paths: { unified: dir } };
    expect(await readCgroupStats(ref)).toEqual({ memoryBytes: 52428800, memoryPeakBytes: 67108864, cpuUsageUs: 812345, cpuThrottledUs: 301234, oomKills: 1 });
    await rm(join(dir, 'memory.peak'));
    expect(await readCgroupStats(ref)).not.toHaveProperty('memoryPeakBytes');
    await rm(dir, { recursive: true });
    expect(await readCgroupStats(ref)).toEqual({});
  });

  it('finds leftover coldlab groups by prefix', async () => {
    await mkdir(join(root, 'coldlab', 'coldlab-old-i1'), { recursive: true });
    await mkdir(join(root, 'coldlab', 'other'), { recursive: true });
    expect(await removeLeftoverCgroupsIn({ version: 2, root })).toEqual([join(root, 'coldlab', 'coldlab-old-i1')]);
    expect(existsSync(join(root, 'coldlab', 'other'))).toBe(true);
  });

  it('spares the groups of a coldlab still running (this one included) and removes those of a dead one', async () => {
    const dead = execa('true');
    const deadPid = dead.pid ?? 999_999;
    await dead;
    const mine = join(root, 'coldlab', `coldlab-p${process.pid}-run-i1`);
    const crashed = join(root, 'coldlab', `coldlab-p${deadPid}-run-i1`);
    await mkdir(mine, { recursive: true });
    await mkdir(crashed, { recursive: true });
    expect(await removeLeftoverCgroupsIn({ version: 2, root })).toEqual([crashed]);
    expect(existsSync(mine)).toBe(true);
    await rm(mine, { recursive: true });
  });
});
