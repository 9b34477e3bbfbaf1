import type { CgroupRef, Instance, InstanceExit, SandboxMemory, StartBreakdown } from '../types.js';
import type { RunningQemu } from './spawn.js';
import { residentBytes } from './spawn.js';

export interface MicrovmInstanceInit {
  id: string;
  url: string;
  qemu: RunningQemu;
  cgroup: CgroupRef | null;
  limitsEnforced: boolean;
  notes: string[];
  start: StartBreakdown;
  /** Tells a crash from an OOM kill and removes the cgroup, once QEMU is gone. */
  classifyExit(code: number | null, signal: NodeJS.Signals | null, stopping: boolean): Promise<InstanceExit>;
}

/** A function instance living in a QEMU microVM; the guest serves the function on a forwarded loopback port. */
export class MicrovmInstance implements Instance {
  readonly id: string;
  readonly url: string;
  readonly cgroup: CgroupRef | null;
  readonly limitsEnforced: boolean;
  readonly notes: string[];
  readonly start: StartBreakdown;
  readonly exited: Promise<InstanceExit>;
  private readonly qemu: RunningQemu;
  private stopping = false;

  constructor(init: MicrovmInstanceInit) {
    this.id = init.id;
    this.url = init.url;
    this.qemu = init.qemu;
    this.cgroup = init.cgroup;
    this.limitsEnforced = init.limitsEnforced;
    this.notes = init.notes;
    this.start = init.start;
    this.exited = init.qemu.exit.then(({ code, signal }) => init.classifyExit(code, signal, this.stopping));
  }

  get pid(): number | undefined {
    return this.qemu.child.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.qemu.gone()) {
      // QEMU ends at once on SIGTERM; SIGKILL if it does not (a wedged main loop).
      this.qemu.child.kill('SIGTERM');
      const timer = setTimeout(() => this.qemu.child.kill('SIGKILL'), 2000);
      await this.qemu.exit;
      clearTimeout(timer);
    }
    await this.exited;
  }

  /** The guest's /proc/meminfo (asked over the serial console) and QEMU's resident memory on the host. */
  async sandboxMemory(): Promise<SandboxMemory> {
    if (this.qemu.gone()) return {};
    const [guest, hostRssBytes] = await Promise.all([this.qemu.console.meminfo(), residentBytes(this.pid)]);
    return { ...(guest ? { guest } : {}), ...(hostRssBytes !== undefined ? { hostRssBytes } : {}) };
  }
}
