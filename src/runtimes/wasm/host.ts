import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { CgroupRef, CutAnswer, InstanceExit, StartBreakdown } from '../types.js';
import type { SpawnedBootstrap } from '../process/spawn.js';
import { removeCgroup } from '../process/cgroupLimits.js';
import { readCgroupStats } from '../../metrics/cgroup.js';
import { ColdlabError } from '../../util/errors.js';

export const WASM_HOST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runners/wasm/host.mjs');

/** A thread of the host waiting for an instance, and the loopback port it serves its instances on. */
export interface ParkedThread {
  thread: number;
  port: number;
}

/** What the host reports for a started instance: its start steps (ms) and its thread. */
export interface HostStart {
  times: StartBreakdown;
  thread: ThreadInfo;
}

/**
 * The worker thread serving an instance: its id and port, whether it was parked before the start and whether an
 * earlier instance (stopped) had used it, its V8 heap limit (MB, as the thread reads it).
 */
export interface ThreadInfo {
  id: number;
  port: number;
  parked: boolean;
  recycled: boolean;
  heapLimitMb: number | undefined;
}

/** How an instance ended, and what the gateway answers for a request its end cut (timeout, memory limit, crash). */
export type HostExit = InstanceExit & { cut?: CutAnswer };

type StartTimes = Omit<StartBreakdown, 'totalMs' | 'createMs'> & { bootAt: number; readyAt: number };
/** The thread's word that its instance has started: a line on the host's stdout, or a header of its first answer. */
type StartedEvent = { event: 'started'; id: string; thread: number; port: number; parked: boolean; recycled?: boolean; heapLimitMb?: number; times: StartTimes };
type HostEvent =
  | StartedEvent
  | { event: 'parked'; id?: undefined; thread: number; port: number; recycled?: boolean }
  | { event: 'park-failed'; id?: undefined; thread: number; detail?: string }
  | { event: 'thread-exit'; id?: undefined; thread: number }
  | { event: 'start-failed'; id: string; cause: string; detail?: string; cut?: CutAnswer }
  | { event: 'exit'; id: string; reason: InstanceExit['reason']; cause?: string; detail?: string; served?: ServedSummary; cut?: CutAnswer }
  | { event: 'request-error'; id: string; cause: string; message: string };

/** The host's figures for the requests its instances served: instantiate and run times, µs. */
export interface ServedSummary {
  count: number;
  reuse: boolean;
  instantiateUs: { p50: number; p99: number };
  runUs: { p50: number; p99: number };
}

interface Waiting {
  /** When coldlab asked for the start (ms, the clock every thread of the machine shares), for the handoff's length. */
  askedAt: number;
  started: { resolve(start: HostStart): void; reject(error: Error): void };
  exited: { resolve(exit: HostExit): void };
}

const HINTS: Record<string, string> = {
  'invalid-module': 'the file is not WebAssembly: rebuild it (npm run build:wasm) or name its .wat/.c source',
  'no-start': 'a WAGI function is a WASI command: build it as a program with main (C) or export _start (WAT)',
  trap: 'run the module alone (node, wasmtime) with the same CGI variables to see where it traps',
  'memory-limit': 'raise memoryMb, or lower what the module needs at start',
  'unsupported-import': 'build for wasm32-wasi (preview 1) without other host imports',
};

const wallMs = (): number => performance.timeOrigin + performance.now();

/** The parent side of one Wasm host process (runners/wasm/host.mjs): start and stop instances, hear how they end. */
export class WasmHost {
  private readonly waiting = new Map<string, Waiting>();
  /** Start commands not yet written: each goes once the turn that asked for it is over (see start). */
  private readonly held = new Map<string, string>();
  private readonly threadEnds = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  private waitingRoom: ParkedThread[] = [];
  private parkedWaiters: Array<() => void> = [];
  /** Module errors of requests by cause: how many, and the first message (for results' notes). */
  readonly requestErrors = new Map<string, { count: number; message: string }>();
  /** Called with the first message of each cause of module errors. */
  onFirstError: ((message: string) => void) | undefined;
  /** Called at each instance exit with the figures of every request served so far. */
  onServed: ((summary: ServedSummary) => void) | undefined;
  /** Called when a parked thread ended before any instance used it (the next start boots its own). */
  onParkFailed: ((detail: string) => void) | undefined;
  readonly exited: Promise<HostExit>;

  constructor(
    private readonly spawned: SpawnedBootstrap,
    readonly cgroup: CgroupRef | null,
    readonly pid: number | undefined,
    parkedAtReady: readonly ParkedThread[] = [],
    /** false when the host parks no thread (none asked, or a cached module that did not compile). */
    private readonly parks = true,
  ) {
    this.waitingRoom = [...parkedAtReady];
    createInterface({ input: spawned.child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"event"')) this.onEvent(JSON.parse(line) as HostEvent);
    });
    this.exited = new Promise<HostExit>((done) => spawned.child.once('exit', (code, signal) => void this.onHostExit(code, signal).then(done)));
  }

  get alive(): boolean {
    return this.spawned.child.exitCode === null && this.spawned.child.signalCode === null;
  }

  /** The threads waiting for an instance, as the host last said, in the order they are taken (reused ones first). */
  get parked(): readonly ParkedThread[] {
    return this.waitingRoom;
  }

  /** The next start's thread: taken off the list, so no other start gets it. */
  takeParked(): ParkedThread | undefined {
    return this.waitingRoom.shift();
  }

  /**
   * Starts instance id on `thread` (one taken with takeParked; without one, the host boots a thread for it).
   * Requests to the thread's port may be sent at once: the first for the instance starts it on the thread, so
   * the start command is written only once this turn is over, after them. `ready` resolves once its first run
   * (init) is done.
   */
  start(id: string, thread?: ParkedThread): { ready: Promise<HostStart>; exited: Promise<HostExit> } {
    let waiting: Partial<Waiting> = { askedAt: wallMs() };
    const ready = new Promise<HostStart>((resolve, reject) => (waiting.started = { resolve, reject }));
    const exited = new Promise<HostExit>((resolve) => (waiting.exited = { resolve }));
    this.waiting.set(id, waiting as Waiting);
    waiting = {};
    this.held.set(id, JSON.stringify({ cmd: 'start', id, ...(thread ? { thread: thread.thread } : {}) }));
    setImmediate(() => this.flush(id));
    return { ready, exited };
  }

  /** Resolves once the thread has ended (its port is closed), or the host has. */
  threadEnded(thread: number): Promise<void> {
    let end = this.threadEnds.get(thread);
    if (!end) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      end = { promise, resolve };
      this.threadEnds.set(thread, end);
      if (!this.alive) resolve();
    }
    return end.promise;
  }

  /** Resolves once a thread is parked (at once if one is), so the next start is handed to it. */
  whenParked(): Promise<void> {
    if (this.waitingRoom.length > 0 || !this.alive || !this.parks) return Promise.resolve();
    return new Promise<void>((resolve) => this.parkedWaiters.push(resolve));
  }

  stop(id: string): void {
    // A start still held goes first: the host must know the instance it is told to stop.
    this.flush(id);
    if (this.alive) this.send(JSON.stringify({ cmd: 'stop', id }));
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

  private flush(id: string): void {
    const command = this.held.get(id);
    if (command === undefined) return;
    this.held.delete(id);
    if (this.alive) this.send(command);
  }

  private send(line: string): void {
    this.spawned.child.stdin?.write(`${line}\n`);
  }

  private onEvent(event: HostEvent): void {
    switch (event.event) {
      case 'request-error': {
        const seen = this.requestErrors.get(event.cause);
        this.requestErrors.set(event.cause, { count: (seen?.count ?? 0) + 1, message: seen?.message ?? event.message });
        if (!seen) this.onFirstError?.(`wasm: requests failed with "wasm-${event.cause}", first: ${event.message}`);
        return;
      }
      case 'parked': {
        const entry = { thread: event.thread, port: event.port };
        // A thread that served an instance is taken first: it has the warmest caches.
        if (event.recycled) this.waitingRoom.unshift(entry);
        else this.waitingRoom.push(entry);
        for (const resolve of this.parkedWaiters.splice(0)) resolve();
        return;
      }
      case 'park-failed':
        this.onParkFailed?.(`wasm: a parked thread ended unused (${event.detail ?? 'no detail'}); the next start boots its own`);
        return;
      case 'thread-exit':
        this.waitingRoom = this.waitingRoom.filter((p) => p.thread !== event.thread);
        // Kept resolved: an instance of this thread may ask after it has ended.
        void this.threadEnded(event.thread);
        this.threadEnds.get(event.thread)?.resolve();
        return;
      case 'started':
        return this.onStarted(event);
      default:
        return this.onEnded(event);
    }
  }

  /** The started event as the thread put it in its first answer (the x-coldlab-instance-started header). */
  startedBy(id: string, said: string): void {
    let event: StartedEvent;
    try {
      event = JSON.parse(said) as StartedEvent;
    } catch {
      return;
    }
    // The same event the thread writes on the host's stdout: the first of the two to arrive counts.
    if (event.event === 'started' && event.id === id) this.onStarted(event);
  }

  private onStarted(event: StartedEvent): void {
    const waiting = this.waiting.get(event.id);
    if (!waiting) return;
    const { bootAt, readyAt, ...times } = event.times;
    // From coldlab's start to the thread's first step (the handoff) and to its boot's end (the whole start), on
    // the clock the machine's processes share: neither waits for the news to reach coldlab.
    const createMs = Math.max(0, bootAt - waiting.askedAt);
    const totalMs = Math.max(createMs, readyAt - waiting.askedAt);
    waiting.started.resolve({
      times: { createMs, ...times, totalMs },
      thread: { id: event.thread, port: event.port, parked: event.parked, recycled: event.recycled === true, heapLimitMb: event.heapLimitMb },
    });
  }

  private onEnded(event: Extract<HostEvent, { event: 'exit' | 'start-failed' }>): void {
    if (event.event === 'exit' && event.served) this.onServed?.(event.served);
    const waiting = this.waiting.get(event.id);
    if (!waiting) return;
    this.waiting.delete(event.id);
    if (event.event === 'start-failed') {
      const cause = event.cause.replace(/-/g, '_').toUpperCase();
      waiting.started.reject(new ColdlabError(`WASM_${cause}`, event.detail ?? `the instance did not start (${event.cause})`, HINTS[event.cause] ?? 'see the module error above'));
    }
    const reason = event.event === 'exit' ? event.reason : 'crashed';
    waiting.exited.resolve({ reason, ...(event.detail ? { detail: event.detail } : {}), ...(event.cut ? { cut: event.cut } : {}) });
  }

  // The host died (cgroup OOM kill, crash): every instance in it ends the same way.
  private async onHostExit(code: number | null, signal: NodeJS.Signals | null): Promise<HostExit> {
    let reason: InstanceExit['reason'] = signal === 'SIGKILL' || code === 0 ? 'stopped' : 'crashed';
    if (this.cgroup) {
      if (((await readCgroupStats(this.cgroup)).oomKills ?? 0) > 0) reason = 'oom-killed';
      await removeCgroup(this.cgroup);
    }
    const detail = reason === 'stopped' ? undefined : `the Wasm host process ended (${signal ?? `code ${code}`}): ${this.spawned.stderrTail().split('\n').slice(-3).join(' | ')}`;
    const exit: HostExit = { reason, code, signal, ...(detail ? { detail, cut: { status: 502, error: 'wasm-crashed', message: detail } } : {}) };
    for (const [id, waiting] of this.waiting) {
      waiting.started.reject(new ColdlabError('WASM_HOST_EXITED', detail ?? `the Wasm host process stopped before instance ${id} started`, 'raise memoryMb if it was killed for memory'));
      waiting.exited.resolve(exit);
    }
    this.waiting.clear();
    this.held.clear();
    this.waitingRoom = [];
    for (const end of this.threadEnds.values()) end.resolve();
    for (const resolve of this.parkedWaiters.splice(0)) resolve();
    return exit;
  }
}
