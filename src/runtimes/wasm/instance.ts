import type { CutAnswer, Instance, StartBreakdown } from '../types.js';
import type { HostExit, ThreadInfo, WasmHost } from './host.js';

/** How long a cut connection waits for the host's word on its instance's end (said before the cut, read beside it). */
const EXPLAIN_WITHIN_MS = 1_000;

/**
 * A Wasm instance: a worker thread of its variant's host process (its own while it lives, then the next
 * instance's), answering HTTP under /i/<id> on the thread's own loopback port. Its requests may be sent as soon
 * as its thread is picked (the first starts it there), so its start is known only once it has started.
 */
export class WasmInstance implements Instance {
  // Figures come from the host's cgroup, shared by every instance of the variant: not sampled per instance.
  readonly cgroup = null;
  readonly exited: Promise<HostExit>;
  /** The thread's port outlives its instances: kept connections to it carry the thread's next instance's first request. */
  readonly originExited: Promise<unknown>;
  private known: { start: StartBreakdown; thread: ThreadInfo } | undefined;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly host: WasmHost,
    exited: Promise<HostExit>,
    threadEnded: Promise<unknown>,
    readonly limitsEnforced: boolean,
    readonly notes: string[],
  ) {
    // The host process dying ends its instances too.
    this.exited = Promise.race([exited, host.exited]);
    this.originExited = threadEnded;
  }

  /** Called by the runtime when the host says the instance has started. */
  markStarted(start: StartBreakdown, thread: ThreadInfo): void {
    this.known = { start, thread };
  }

  get start(): StartBreakdown {
    return this.startedOrThrow().start;
  }

  /** The host's worker thread serving this instance: parked before the start, or booted on the timed path. */
  get thread(): ThreadInfo {
    return this.startedOrThrow().thread;
  }

  get pid(): number | undefined {
    return this.host.pid;
  }

  /** The thread said its start in the first answer (it writes the same on the host's stdout, which may come later). */
  startedBy(said: string): void {
    this.host.startedBy(this.id, said);
  }

  /** A timeout, the memory limit or a crash ends the thread, which cuts its connections: the host says which. */
  explainCut(): Promise<CutAnswer | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), EXPLAIN_WITHIN_MS);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        resolve(exit.cut);
      });
    });
  }

  async stop(): Promise<void> {
    this.host.stop(this.id);
    await this.exited;
  }

  // Read before the start is known, a figure would be made up: a coldlab bug, said as one.
  private startedOrThrow(): { start: StartBreakdown; thread: ThreadInfo } {
    if (!this.known) throw new Error(`Wasm instance ${this.id}: its start was read before it had started`);
    return this.known;
  }
}
