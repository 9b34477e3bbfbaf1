import type { Instance, InstanceExit, StartBreakdown } from '../types.js';
import type { ThreadInfo, WasmHost } from './host.js';

/**
 * A Wasm instance: a worker thread of its variant's host process (its own while it lives, then the next
 * instance's), answering HTTP under /i/<id> on the host's loopback port. It takes requests as soon as the host
 * has the start command (they wait in the host until the thread has started), so its start and thread are
 * known only once it has started.
 */
export class WasmInstance implements Instance {
  // Figures come from the host's cgroup, shared by every instance of the variant: not sampled per instance.
  readonly cgroup = null;
  readonly exited: Promise<InstanceExit>;
  /** The host's port outlives its instances: kept connections to it carry the next instance's first request. */
  readonly originExited: Promise<unknown>;
  private known: { start: StartBreakdown; thread: ThreadInfo } | undefined;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly host: WasmHost,
    exited: Promise<InstanceExit>,
    readonly limitsEnforced: boolean,
    readonly notes: string[],
  ) {
    // The host process dying ends its instances too.
    this.exited = Promise.race([exited, host.exited]);
    this.originExited = host.exited;
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
