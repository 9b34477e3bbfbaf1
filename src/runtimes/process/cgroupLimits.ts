import { constants } from 'node:fs';
import { mkdir, open, readdir, rmdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupRef } from '../types.js';
import { detectCgroups, type CgroupMode } from '../../metrics/cgroup.js';
import { errnoOf, isPermissionError, readText } from '../../metrics/cgroupFiles.js';
import { cgroupOwnerAlive } from '../ownerIdentity.js';

export interface LimitRequest {
  /** Unique, e.g. coldlab-<runId>-<instanceId>; created under a parent "coldlab" group. */
  name: string;
  memoryBytes: number;
  /** Fraction of one CPU allowed, e.g. 0.29; 0 or Infinity means no CPU quota. */
  cpus: number;
}

export type LimitOutcome = { enforced: true; ref: CgroupRef; procsFiles: string[] } | { enforced: false; reason: string };

/** Every coldlab group lives under this parent, so leftovers are found in one place after a crash. */
export const PARENT = 'coldlab';
const PERIOD_US = 100_000;
/** The kernel refuses CPU quotas below 1 ms. */
const MIN_QUOTA_US = 1000;
const EMPTY_WAIT_MS = 5000;

/** A knob write that fails (rather than creating a plain file) when the kernel does not offer the knob. */
async function writeKnob(dir: string, file: string, value: string, optional = false): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(join(dir, file), constants.O_WRONLY | constants.O_TRUNC);
    await handle.write(value);
  } catch (error) {
    if (optional && errnoOf(error) === 'ENOENT') return;
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { knob: join(dir, file) });
  } finally {
    await handle?.close();
  }
}

function quotaUs(cpus: number): number | undefined {
  return cpus > 0 && Number.isFinite(cpus) ? Math.max(MIN_QUOTA_US, Math.round(cpus * PERIOD_US)) : undefined;
}

async function enableControllers(dir: string): Promise<void> {
  const enabled = ((await readText(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/).map((c) => c.replace(/^\+/, ''));
  if (enabled.includes('memory') && enabled.includes('cpu')) return;
  await writeKnob(dir, 'cgroup.subtree_control', '+memory +cpu');
}

async function setUpV2(root: string, req: LimitRequest, created: string[]): Promise<LimitOutcome> {
  const parent = join(root, PARENT);
  const dir = join(parent, req.name);
  await enableControllers(root);
  await mkdir(parent, { recursive: true });
  await enableControllers(parent);
  await mkdir(dir, { recursive: true });
  created.push(dir);
  await writeKnob(dir, 'memory.max', String(req.memoryBytes));
  await writeKnob(dir, 'memory.swap.max', '0', true);
  const quota = quotaUs(req.cpus);
  await writeKnob(dir, 'cpu.max', `${quota ?? 'max'} ${PERIOD_US}`);
  return { enforced: true, ref: { version: 2, paths: { unified: dir } }, procsFiles: [join(dir, 'cgroup.procs')] };
}

async function setUpV1(roots: Record<string, string>, req: LimitRequest, created: string[]): Promise<LimitOutcome> {
  const paths: Record<string, string> = {};
  for (const controller of ['memory', 'cpu', 'cpuacct']) {
    const root = roots[controller];
    if (root !== undefined) paths[controller] = join(root, PARENT, req.name);
  }
  const dirs = [...new Set(Object.values(paths))];
  // On the cold-start path: the hierarchies are independent, so their directories and knobs are set up at once.
  const made = await Promise.allSettled(dirs.map((dir) => mkdir(dir, { recursive: true }).then(() => dir)));
  for (const m of made) if (m.status === 'fulfilled') created.push(m.value);
  const failed = made.find((m) => m.status === 'rejected');
  if (failed) throw failed.reason;
  const memory = paths.memory ?? '';
  const cpu = paths.cpu ?? '';
  await Promise.all([
    (async () => {
      await writeKnob(memory, 'memory.limit_in_bytes', String(req.memoryBytes));
      // Without swap accounting (no memsw knob) a limited instance may still swap; with it, swap is forbidden too.
      await writeKnob(memory, 'memory.memsw.limit_in_bytes', String(req.memoryBytes), true);
    })(),
    (async () => {
      await writeKnob(cpu, 'cpu.cfs_period_us', String(PERIOD_US));
      await writeKnob(cpu, 'cpu.cfs_quota_us', String(quotaUs(req.cpus) ?? -1));
    })(),
  ]);
  return { enforced: true, ref: { version: 1, paths }, procsFiles: dirs.map((d) => join(d, 'cgroup.procs')) };
}

/** Turns a failed cgroup write into a sentence the user can act on. */
function explain(mode: CgroupMode, error: unknown): string {
  const code = errnoOf(error) ?? 'error';
  const where = error instanceof Error && 'knob' in error ? String(error.knob) : error instanceof Error && 'path' in error ? String(error.path) : '';
  const controller = mode.version === 1 ? Object.keys(mode.roots).find((c) => where.startsWith(`${mode.roots[c] ?? ''}/`)) : undefined;
  const tree = mode.version === 1 ? `cgroup v1 ${controller ?? ''} controller`.replace('  ', ' ') : 'cgroup v2 tree';
  if (isPermissionError(error)) return `${tree} not writable (${where}: ${code}): run coldlab as root (sudo), or in a container with a writable /sys/fs/cgroup`;
  if (code === 'EBUSY' && where.endsWith('cgroup.subtree_control')) {
    return `cannot enable the memory and cpu controllers at ${where} (EBUSY): that cgroup holds processes itself (usual inside a container); run coldlab on the host or in a container with its own cgroup namespace`;
  }
  if (code === 'ENOENT' && where) return `${where} does not exist: the kernel does not offer this limit in that cgroup (controller not enabled?)`;
  return `could not set up the instance cgroup (${where || 'cgroupfs'}: ${code}: ${error instanceof Error ? error.message : String(error)})`;
}

/** createLimitedCgroup against an explicit hierarchy: lets tests use a simulated v2 tree. */
export async function createLimitedCgroupIn(mode: CgroupMode, req: LimitRequest): Promise<LimitOutcome> {
  if (!/^[A-Za-z0-9._-]+$/.test(req.name)) return { enforced: false, reason: `invalid cgroup name ${JSON.stringify(req.name)} (letters, digits, . _ - only)` };
  if (mode.version === null) return { enforced: false, reason: `cgroups unavailable: ${mode.reason}` };
  const created: string[] = [];
  try {
    return mode.version === 2 ? await setUpV2(mode.root, req, created) : await setUpV1(mode.roots, req, created);
  } catch (error) {
    await Promise.all(created.map((dir) => rmdir(dir).catch(() => undefined)));
    return { enforced: false, reason: explain(mode, error) };
  }
}

// Called once per instance start: limits must be in place before the function's init runs.
export async function createLimitedCgroup(req: LimitRequest): Promise<LimitOutcome> {
  return createLimitedCgroupIn(await detectCgroups(), req);
}

async function pidsIn(dir: string): Promise<number[] | undefined> {
  const text = await readText(dir, 'cgroup.procs');
  return text?.split('\n').filter(Boolean).map(Number);
}

// A cgroup can only be removed once empty; SIGKILL whatever is left (processes forked by the function too).
async function emptyGroup(dir: string): Promise<void> {
  const deadline = Date.now() + EMPTY_WAIT_MS;
  for (;;) {
    const pids = await pidsIn(dir);
    if (!pids || pids.length === 0 || Date.now() > deadline) return;
    await writeKnob(dir, 'cgroup.kill', '1').catch(() => undefined);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(20);
  }
}

/** Removes one cgroup directory; true when it is gone. Exiting processes keep it busy for a moment. */
async function removeDir(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await rmdir(dir);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return true;
      if (errnoOf(error) !== 'EBUSY') return false;
      await sleep(20);
    }
  }
  return false;
}

/** Kills what is left in the group and removes it; idempotent. A group that cannot be emptied is left for removeLeftoverCgroups. */
export async function removeCgroup(ref: CgroupRef): Promise<void> {
  const dirs = [...new Set(Object.values(ref.paths))];
  await Promise.all(dirs.map(emptyGroup));
  await Promise.all(dirs.map(removeDir));
}

/** removeLeftoverCgroups against an explicit hierarchy. */
export async function removeLeftoverCgroupsIn(mode: CgroupMode, prefix = 'coldlab-'): Promise<string[]> {
  if (mode.version === null) return [];
  const roots = mode.version === 2 ? [mode.root] : [...new Set(Object.values(mode.roots))];
  const found: string[] = [];
  for (const root of roots) {
    const parent = join(root, PARENT);
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      // A group whose coldlab still runs belongs to a live run, not to a crashed one.
      if (entry.isDirectory() && entry.name.startsWith(prefix) && !cgroupOwnerAlive(entry.name)) found.push(join(parent, entry.name));
    }
  }
  await Promise.all(found.map(emptyGroup));
  const removed = await Promise.all(found.map(async (dir) => ((await removeDir(dir)) ? dir : undefined)));
  return removed.filter((dir): dir is string => dir !== undefined);
}

// For `coldlab doctor --cleanup` and crash recovery: kills and removes every group whose name starts with prefix
// and whose owner (named in the group's name) is gone.
export async function removeLeftoverCgroups(prefix = 'coldlab-'): Promise<string[]> {
  return removeLeftoverCgroupsIn(await detectCgroups(), prefix);
}
