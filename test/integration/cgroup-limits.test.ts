import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups, readCgroupStats } from '../../src/metrics/cgroup.js';
import { createLimitedCgroup, removeCgroup, removeLeftoverCgroups, type LimitOutcome, type LimitRequest } from '../../src/runtimes/process/cgroupLimits.js';
import type { CgroupRef } from '../../src/runtimes/types.js';

// Real cgroups (v1 here, v2 on a v2-only host): needs root. Under CI=true these run and fail when cgroups are unusable.
const mode = await detectCgroups();
const usable = mode.version !== null && process.getuid?.() === 0;
// Named as the process runtime names its groups (coldlab-p<pid>-…), so a leftover sweep running meanwhile (another
// coldlab's doctor --cleanup or first process variant) sees a live owner and leaves them; the crash-recovery test
// below names its group after no live process on purpose.
const prefix = `coldlab-p${process.pid}-test-`;
const orphanPrefix = `coldlab-test-${process.pid}-`;
const made: CgroupRef[] = [];
let n = 0;

// The same join trick as the process runtime (src/runtimes/process/spawn.ts): the shell enters the groups, then execs node.
const JOIN = 'IFS=:; for f in $COLDLAB_CGROUP_PROCS; do echo $$ > "$f" || exit 70; done; exec "$@"';

interface Run {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  line: Promise<string>;
}

function runIn(procsFiles: string[], script: string): Run {
  const child = spawn('/bin/sh', ['-c', JOIN, 'sh', process.execPath, '-e', script], {
    env: { ...process.env, COLDLAB_CGROUP_PROCS: procsFiles.join(':') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // A child that dies before its first line (it could not join the group) fails the test at once, not at the timeout.
  const line = Promise.race([
    new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', (chunk: string) => resolve(chunk.trim()))),
    exited.then(({ code, signal }) => `exited before its first line (code ${code}, signal ${signal})`),
  ]);
  return { exited, line };
}

async function limited(req: Omit<LimitRequest, 'name'>, name = `${prefix}${++n}`): Promise<Extract<LimitOutcome, { enforced: true }>> {
  const outcome = await createLimitedCgroup({ name, ...req });
  if (!outcome.enforced) throw new Error(`limits not enforced: ${outcome.reason}`);
  made.push(outcome.ref);
  return outcome;
}

function memoryLimit(ref: CgroupRef): number {
  const file = ref.version === 1 ? join(ref.paths.memory ?? '', 'memory.limit_in_bytes') : join(ref.paths.unified ?? '', 'memory.max');
  return Number(readFileSync(file, 'utf8').trim());
}

describe.skipIf(!usable && process.env.CI !== 'true')(`cgroup limits on this host (cgroup v${mode.version ?? 'none'})`, () => {
  afterAll(async () => {
    for (const ref of made) await removeCgroup(ref);
    await removeLeftoverCgroups(orphanPrefix);
  });

  it('runs an instance under the limits and reads its memory and CPU time', async () => {
    const { ref, procsFiles } = await limited({ memoryBytes: 256 << 20, cpus: 1 });
    expect(memoryLimit(ref)).toBe(256 << 20);
    const run = runIn(procsFiles, 'const end = Date.now() + 150; while (Date.now() < end); console.log("up"); setInterval(() => {}, 1000)');
    expect(await run.line).toBe('up');
    const stats = await readCgroupStats(ref);
    expect(stats.memoryBytes).toBeGreaterThan(1 << 20);
    expect(stats.memoryPeakBytes ?? stats.memoryBytes).toBeGreaterThanOrEqual(stats.memoryBytes ?? 0);
    expect(stats.cpuUsageUs).toBeGreaterThan(100_000);
    expect(stats.oomKills ?? 0).toBe(0);

    await removeCgroup(ref);
    expect((await run.exited).signal).toBe('SIGKILL');
    for (const dir of Object.values(ref.paths)) expect(existsSync(dir)).toBe(false);
    await removeCgroup(ref);
    expect(await readCgroupStats(ref)).toEqual({});
  });

  it('OOM-kills a process allocating beyond a 64 MB limit and counts it', async () => {
    const { ref, procsFiles } = await limited({ memoryBytes: 64 << 20, cpus: 1 });
    const run = runIn(procsFiles, 'const keep = []; for (;;) keep.push(Buffer.alloc(8 << 20, 1))');
    expect((await run.exited).signal).toBe('SIGKILL');
    const stats = await readCgroupStats(ref);
    expect(stats.oomKills).toBeGreaterThanOrEqual(1);
    expect(stats.memoryPeakBytes ?? 0).toBeLessThanOrEqual((64 << 20) + (1 << 20));
    await removeCgroup(ref);
  });

  it('throttles a CPU-bound process to cpus=0.2', async () => {
    const { ref, procsFiles } = await limited({ memoryBytes: 256 << 20, cpus: 0.2 });
    const started = Date.now();
    const run = runIn(procsFiles, 'const end = Date.now() + 1000; while (Date.now() < end);');
    expect((await run.exited).code).toBe(0);
    const wallUs = (Date.now() - started) * 1000;
    const stats = await readCgroupStats(ref);
    expect(stats.cpuThrottledUs).toBeGreaterThan(0);
    // 20% of one CPU over the wall time, plus a period of slack.
    expect(stats.cpuUsageUs).toBeLessThan(wallUs * 0.2 + 150_000);
    await removeCgroup(ref);
  });

  it('finds and removes a leftover group with its processes (crash recovery)', async () => {
    const leftover = `${orphanPrefix}leftover-`;
    const { ref, procsFiles } = await limited({ memoryBytes: 128 << 20, cpus: 0.5 }, `${leftover}x`);
    const run = runIn(procsFiles, 'console.log("up"); setInterval(() => {}, 1000)');
    await run.line;
    const removed = await removeLeftoverCgroups(leftover);
    expect(removed.sort()).toEqual([...new Set(Object.values(ref.paths))].sort());
    expect((await run.exited).signal).toBe('SIGKILL');
    for (const dir of Object.values(ref.paths)) expect(existsSync(dir)).toBe(false);
    expect(await removeLeftoverCgroups(leftover)).toEqual([]);
  });
});
