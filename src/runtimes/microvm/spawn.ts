import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { execa } from 'execa';
import { JOIN_CGROUPS } from '../process/spawn.js';
import { SerialConsole } from './console.js';
import { QEMU_BINARY } from './qemu.js';

export interface RunningQemu {
  child: ChildProcess;
  console: SerialConsole;
  /** Resolves when QEMU has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  gone(): boolean;
  /** QEMU's own messages (bad options, a port already taken). */
  stderrTail(): string;
}

let pdeathsig: Promise<string[]> | undefined;

// setpriv --pdeathsig makes the kernel SIGKILL QEMU when coldlab dies, even by kill -9: no VM outlives its run.
// Where util-linux's setpriv is missing, the leftover sweep (doctor --cleanup, next run) finds them by name.
function deathSignalPrefix(): Promise<string[]> {
  pdeathsig ??= execa('setpriv', ['--pdeathsig', 'KILL', '--', 'true']).then(() => ['setpriv', '--pdeathsig', 'KILL', '--'], () => []);
  return pdeathsig;
}

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

/** A loopback port free right now, for QEMU's hostfwd (QEMU fails fast and is retried if it got taken meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident memory of a process (VmRSS), bytes. */
export async function residentBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb > 0 ? kb * 1024 : undefined;
}
