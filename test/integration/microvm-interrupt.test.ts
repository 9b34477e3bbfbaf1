import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults } from '../../src/results/store.js';
import { coldlabQemus, stateRoot } from '../../src/runtimes/microvm/leftovers.js';
import { waitFor } from '../helpers/wait.js';

// Real CLI, real QEMU: Ctrl-C, a kill -9 of coldlab and `doctor --cleanup` leave no VM and no snapshot behind.
const qemusOf = async (owner: number) => (await coldlabQemus()).filter((q) => q.owner === owner);
const stateDirsOf = async (owner: number) => (await readdir(stateRoot()).catch(() => [])).filter((d) => d.startsWith(`p${owner}-`));

/** Starts the long restore run and resolves once a restored instance (QEMU with -incoming) is serving. */
async function startRun(out: string) {
  const child = execa('node', ['bin/coldlab.mjs', 'run', 'test/data/runs/microvm-long.yaml', '--out', out, '--quiet'], { reject: false });
  const owner = child.pid ?? 0;
  await waitFor(async () => ((await qemusOf(owner)).some((q) => !q.name.endsWith('-snapshot')) ? true : undefined), 280_000, 250);
  return { child, owner };
}

describe('interrupting a microvm run', () => {
  it('Ctrl-C stops every VM, removes the snapshot and keeps the results, marked incomplete', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-vmint-'));
    const { child, owner } = await startRun(out);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    expect(await qemusOf(owner)).toEqual([]);
    expect(await stateDirsOf(owner)).toEqual([]);
    const [runDir] = await readdir(out);
    const result = await readResults(join(out, runDir!, 'results.json'));
    expect(result.complete).toBe(false);
    expect(result.runtimes?.microvm?.accelerator).toMatch(/^(kvm|tcg)$/);
    await rm(out, { recursive: true, force: true });
  }, 320_000);

  it('kill -9 of coldlab takes its VMs with it; `doctor --cleanup` removes its snapshot and any VM whose coldlab is gone', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-vmkill-'));
    const { child, owner } = await startRun(out);
    child.kill('SIGKILL');
    await child;
    // setpriv --pdeathsig: the kernel kills QEMU when its coldlab dies.
    await waitFor(async () => ((await qemusOf(owner)).length === 0 ? true : undefined), 10_000);
    expect(await stateDirsOf(owner)).toHaveLength(1);
    // A VM whose owner is gone and that nothing killed (no setpriv, say): a real QEMU, paused, named for a dead pid.
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const orphan = spawn('qemu-system-x86_64', ['-name', `coldlab-p${dead.pid}-orphan-i1`, '-M', 'microvm', '-S', '-display', 'none', '-nodefaults'], { stdio: 'ignore' });
    const orphanGone = new Promise((r) => orphan.once('exit', r));
    await waitFor(async () => ((await qemusOf(dead.pid!)).length === 1 ? true : undefined), 10_000);
    const doctor = await execa('node', ['bin/coldlab.mjs', 'doctor', '--cleanup', '--json'], { reject: false });
    const removed = (JSON.parse(doctor.stdout) as Array<{ runtime: string; removed?: string[] }>).find((l) => l.runtime === 'microvm')?.removed ?? [];
    expect(removed.some((r) => r.includes(`coldlab-p${dead.pid}-orphan-i1`))).toBe(true);
    expect(removed.some((r) => r.includes(`p${owner}-`))).toBe(true);
    await orphanGone;
    expect(await stateDirsOf(owner)).toEqual([]);
    expect(await stat(join(stateRoot(), `p${owner}`)).catch(() => 'gone')).toBe('gone');
    await rm(out, { recursive: true, force: true });
  }, 320_000);
});
