import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerAlive } from '../owner.js';

/** Per-run state (snapshots, QMP sockets): <tmp>/coldlab-microvm/p<owner pid>-<run id>. */
export function stateRoot(): string {
  return join(tmpdir(), 'coldlab-microvm');
}

export function runStateDir(runId: string): string {
  return join(stateRoot(), `p${process.pid}-${runId}`);
}

/** QEMU's -name for a VM of this coldlab process: the sweep finds it by the owner pid it carries. */
export function vmName(runId: string, instanceId: string): string {
  return `coldlab-p${process.pid}-${runId}-${instanceId}`;
}

const ownerOf = (name: string): number => Number(/^(?:coldlab-)?p(\d+)-/.exec(name)?.[1] ?? 0);

/** QEMU processes started by coldlab (by their -name), with the pid of the coldlab that owns each. */
export async function coldlabQemus(): Promise<Array<{ pid: number; name: string; owner: number }>> {
  const found: Array<{ pid: number; name: string; owner: number }> = [];
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!/qemu-system/.test(argv[0] ?? '')) continue;
    const name = argv[argv.indexOf('-name') + 1] ?? '';
    if (argv.includes('-name') && name.startsWith('coldlab-p')) found.push({ pid: Number(entry), name, owner: ownerOf(name) });
  }
  return found;
}

/** Kills QEMU processes and removes state folders whose coldlab is gone (a crash, kill -9); live runs' stay. */
export async function removeLeftoverVms(): Promise<string[]> {
  const removed: string[] = [];
  for (const vm of await coldlabQemus()) {
    if (ownerAlive(vm.owner)) continue;
    try {
      process.kill(vm.pid, 'SIGKILL');
      removed.push(`qemu ${vm.name} (pid ${vm.pid})`);
    } catch {
      // exited meanwhile
    }
  }
  for (const entry of await readdir(stateRoot()).catch(() => [])) {
    if (ownerAlive(ownerOf(entry))) continue;
    await rm(join(stateRoot(), entry), { recursive: true, force: true });
    removed.push(`microvm state ${join(stateRoot(), entry)}`);
  }
  return removed;
}
