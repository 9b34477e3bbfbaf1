import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { CgroupRef, InstanceExit, StartBreakdown } from '../types.js';
import type { SpawnedBootstrap } from '../process/spawn.js';
import { removeCgroup } from '../process/cgroupLimits.js';
import { readCgroupStats } from '../../metrics/cgroup.js';
import { ColdlabError } from '../../util/errors.js';

export const WASM_HOST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runners/wasm/host.mjs');

/** What the host reports for a started instance: its start steps (ms) and its thread. */
export interface HostStart {
  times: Omit<StartBreakdown, 'totalMs'>;
  thread: ThreadInfo;
}

/**
 * The worker thread serving an instance: its id, whether it was parked before the start and whether an earlier
 * instance (stopped) had used it, its V8 heap limit (MB, as the thread reads it).
 */
export interface ThreadInfo {
  id: number;
  parked: boolean;
  recycled: boolean;
  heapLimitMb: number | undefined;
}

type HostEvent =
  | { event: 'started'; id: string; thread: number; parked: boolean; recycled?: boolean; heapLimitMb?: number; times: Omit<StartBreakdown, 'totalMs'> }
  | { event: 'parked'; id?: undefined; thread: number }
  | { event: 'park-failed'; id?: undefined; thread: number; detail?: string }
  | { event: 'start-failed'; id: string; cause: string; detail?: string }
  | { event: 'exit'; id: string; reason: InstanceExit['reason']; cause?: string; detail?: string; served?: ServedSummary }
  | { event: 'request-error'; id: string; cause: string; message: string };

/** The host's figures for the requests its instances served: instantiate and run times, µs. */
export interface ServedSummary {
  count: number;
  reuse: boolean;
  instantiateUs: { p50: number; p99: number };
  runUs: { p50: number; p99: number };
}

interface Waiting {
  started: { resolve(start: HostStart): void; reject(error: Error): void };
  exited: { resolve(exit: InstanceExit): void };
}

const HINTS: Record<string, string> = {
  'invalid-module': 'the file is not WebAssembly: rebuild it (npm run build:wasm) or name its .wat/.c source',
  'no-start': 'a WAGI function is a WASI command: build it as a program with main (C) or export _start (WAT)',
  trap: 'run the module alone (node, wasmtime) with the same CGI variables to see where it traps',
  'memory-limit': 'raise memoryMb, or lower what the module needs at start',
  'unsupported-import': 'build for wasm32-wasi (preview 1) without other host imports',
};

/** The parent side of one Wasm host process (runners/wasm/host.mjs): start and stop instances, hear how they end. */
export class WasmHost {
  private readonly waiting = new Map<string, Waiting>();
  /** Module errors of requests by cause: how many, and the first message (for results' notes). */
  readonly requestErrors = new Map<string, { count: number; message: string }>();
  /** Called with the first message of each cause of module errors. */
  onFirstError: ((message: string) => void) | undefined;
  /** Called at each instance exit with the figures of every request served so far. */
  onServed: ((summary: ServedSummary) => void) | undefined;
  /** Called when a parked thread ended before any instance used it (the next start boots its own). */
  onParkFailed: ((detail: string) => void) | undefined;
  readonly exited: Promise<InstanceExit>;
  /** Threads of the host waiting for an instance (thread ids), as it last said. */
  readonly parkedThreads = new Set<number>();
  private parkedWaiters: Array<() => void> = [];

  constructor(
    private readonly spawned: SpawnedBootstrap,
    readonly cgroup: CgroupRef | null,
    readonly pid: number | undefined,
    /** The loopback port serving every instance of the host, each under /i/<id>. */
    readonly port: number,
    parkedAtReady: readonly number[] = [],
    /** false when the host parks no thread (none asked, or a cached module that did not compile). */
    private readonly parks = true,
  ) {
    for (const thread of parkedAtReady) this.parkedThreads.add(thread);
    createInterface({ input: spawned.child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"event"')) this.onEvent(JSON.parse(line) as HostEvent);
    });
    this.exited = new Promise<InstanceExit>((done) => spawned.child.once('exit', (code, signal) => void this.onHostExit(code, signal).then(done)));
  }

  get alive(): boolean {
    return this.spawned.child.exitCode === null && this.spawned.child.signalCode === null;
  }

  /** Starts instance id in a new worker: its requests may be sent at once (the host holds them until it has started); `ready` resolves once its first run (init) is done. */
  start(id: string): { ready: Promise<HostStart>; exited: Promise<InstanceExit> } {
    let waiting: Partial<Waiting> = {};
    const ready = new Promise<HostStart>((resolve, reject) => (waiting.started = { resolve, reject }));
    const exited = new Promise<InstanceExit>((resolve) => (waiting.exited = { resolve }));
    this.waiting.set(id, waiting as Waiting);
    waiting = {};
    this.send({ cmd: 'start', id });
    return { ready, exited };
  }

  /** Resolves once a thread is parked (at once if one is), so the next start is handed to it. */
  whenParked(): Promise<void> {
    if (this.parkedThreads.size > 0 || !this.alive || !this.parks) return Promise.resolve();
    return new Promise<void>((resolve) => this.parkedWaiters.push(resolve));
  }

  stop(id: string): void {
    if (this.alive) this.send({ cmd: 'stop', id });
  }

  /** Ends the host process (all its instances) and removes its cgroup. */
  async close(): Promise<void> {
    if (this.alive) {
      this.spawned.child.stdin?.end();
      const timer = setTimeout(() => this.spawned.child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  private send(command: object): void {
    this.spawned.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  private onEvent(event: HostEvent): void {
    if (event.event === 'request-error') {
      const seen = this.requestErrors.get(event.cause);
      this.requestErrors.set(event.cause, { count: (seen?.count ?? 0) + 1, message: seen?.message ?? event.message });
      if (!seen) this.onFirstError?.(`wasm: requests failed with "wasm-${event.cause}", first: ${event.message}`);
      return;
    }
    if (event.event === 'parked') {
      this.parkedThreads.add(event.thread);
      for (const resolve of this.parkedWaiters.splice(0)) resolve();
      return;
    }
    if (event.event === 'park-failed') {
      this.parkedThreads.delete(event.thread);
      this.onParkFailed?.(`wasm: a parked thread ended unused (${event.detail ?? 'no detail'}); the next start boots its own`);
      return;
    }
    if (event.event === 'exit' && event.served) this.onServed?.(event.served);
    if (event.event === 'started') this.parkedThreads.delete(event.thread);
    const waiting = this.waiting.get(event.id);
    if (!waiting) return;
    if (event.event === 'started') return waiting.started.resolve({ times: event.times, thread: { id: event.thread, parked: event.parked, recycled: event.recycled === true, heapLimitMb: event.heapLimitMb } });
    this.waiting.delete(event.id);
    if (event.event === 'start-failed') {
      const cause = event.cause.replace(/-/g, '_').toUpperCase();
      waiting.started.reject(new ColdlabError(`WASM_${cause}`, event.detail ?? `the instance did not start (${event.cause})`, HINTS[event.cause] ?? 'see the module error above'));
    }
    waiting.exited.resolve({ reason: event.event === 'exit' ? event.reason : 'crashed', ...(event.detail ? { detail: event.detail } : {}) });
  }

  // The host died (cgroup OOM kill, crash): every instance in it ends the same way.
  private async onHostExit(code: number | null, signal: NodeJS.Signals | null): Promise<InstanceExit> {
    let reason: InstanceExit['reason'] = signal === 'SIGKILL' || code === 0 ? 'stopped' : 'crashed';
    if (this.cgroup) {
      if (((await readCgroupStats(this.cgroup)).oomKills ?? 0) > 0) reason = 'oom-killed';
      await removeCgroup(this.cgroup);
    }
    const detail = reason === 'stopped' ? undefined : `the Wasm host process ended (${signal ?? `code ${code}`}): ${this.spawned.stderrTail().split('\n').slice(-3).join(' | ')}`;
    const exit: InstanceExit = { reason, code, signal, ...(detail ? { detail } : {}) };
    for (const [id, waiting] of this.waiting) {
      waiting.started.reject(new ColdlabError('WASM_HOST_EXITED', detail ?? `the Wasm host process stopped before instance ${id} started`, 'raise memoryMb if it was killed for memory'));
      waiting.exited.resolve(exit);
    }
    this.waiting.clear();
    this.parkedThreads.clear();
    for (const resolve of this.parkedWaiters.splice(0)) resolve();
    return exit;
  }
}
