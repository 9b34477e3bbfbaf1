import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { JOIN_CGROUPS } from '../process/spawn.js';
import { SerialConsole } from './console.js';
import { QEMU_BINARY } from './qemu.js';
import { deathSignalPrefix } from '../../util/processes.js';

export interface RunningQemu {
  child: ChildProcess;
  console: SerialConsole;
  /** Resolves when QEMU has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  gone(): boolean;
  /** QEMU's own messages (bad options, a port already taken). */
  stderrTail(): string;
}

// QEMU's hostfwd port (boot.ts takes it from here).
export { freePort } from '../../util/processes.js';

// setpriv --pdeathsig makes the kernel SIGKILL QEMU when coldlab dies, even by kill -9: no VM outlives its run.
// Where util-linux's setpriv is missing, the leftover sweep (doctor --cleanup, next run) finds them by name.
export async function hasDeathSignal(): Promise<boolean> {
  return (await deathSignalPrefix()).length > 0;
}

/** Starts QEMU inside the given cgroups (joined before exec, so its first instruction is already limited). */
export async function spawnQemu(args: string[], procsFiles: string[]): Promise<RunningQemu> {
  const prefix = await deathSignalPrefix();
  const child = spawn('/bin/sh', ['-c', JOIN_CGROUPS, 'sh', ...prefix, QEMU_BINARY, ...args], {
    env: { ...process.env, COLDLAB_CGROUP_PROCS: procsFiles.join(':') },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: a Ctrl-C at the terminal reaches coldlab only, which then stops VMs in order.
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(...chunk.split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - 10));
  });
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      exited = true;
      resolve({ code: null, signal: null });
    });
  });
  return { child, console: new SerialConsole(child.stdout!, child.stdin), exit, gone: () => exited, stderrTail: () => stderr.join('\n') };
}

/** Resident memory of a process (VmRSS), bytes. */
export async function residentBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb > 0 ? kb * 1024 : undefined;
}
