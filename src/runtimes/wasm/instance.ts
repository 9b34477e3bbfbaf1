import type { Instance, InstanceExit, StartBreakdown } from '../types.js';
import type { ThreadInfo, WasmHost } from './host.js';

/** A Wasm instance: a worker thread of its variant's host process (its own, used once), answering HTTP under /i/<id> on the host's loopback port. */
export class WasmInstance implements Instance {
  // Figures come from the host's cgroup, shared by every instance of the variant: not sampled per instance.
  readonly cgroup = null;
  readonly exited: Promise<InstanceExit>;
  /** The host's port outlives its instances: kept connections to it carry the next instance's first request. */
  readonly originExited: Promise<unknown>;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly host: WasmHost,
    exited: Promise<InstanceExit>,
    readonly limitsEnforced: boolean,
    readonly notes: string[],
    readonly start: StartBreakdown,
    /** The host's worker thread serving this instance: parked before the start, or booted on the timed path. */
    readonly thread: ThreadInfo,
  ) {
    // The host process dying ends its instances too.
    this.exited = Promise.race([exited, host.exited]);
    this.originExited = host.exited;
  }

  get pid(): number | undefined {
    return this.host.pid;
  }

  async stop(): Promise<void> {
    this.host.stop(this.id);
    await this.exited;
  }
}
