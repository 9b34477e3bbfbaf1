import type { ChildProcess } from 'node:child_process';
import type { CgroupRef, Instance, InstanceExit, StartBreakdown } from '../types.js';

/** A function instance living in an OS process (optionally inside its own cgroup). */
export class ProcessInstance implements Instance {
  readonly exited: Promise<InstanceExit>;
  private stopping = false;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly child: ChildProcess,
    readonly cgroup: CgroupRef | null,
    readonly limitsEnforced: boolean,
    readonly notes: string[],
    readonly start: StartBreakdown,
    classifyExit: (code: number | null, signal: NodeJS.Signals | null, stopping: boolean) => Promise<InstanceExit>,
  ) {
    this.exited = new Promise<InstanceExit>((resolve) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        void classifyExit(code, signal, this.stopping).then(resolve);
      };
      if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
      else child.once('exit', onExit);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      // A function stuck in a busy loop ignores SIGTERM: don't let it hold the run.
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }
}
