// Container cold start through coldlab per OCI runtime (runc, crun, gVisor's runsc), alternating in one run:
// what each rung of isolation costs a cold start, where it goes (engine create, start, bootstrap, init)
// and the sandbox's resident memory (its cgroup's usage once the function answers).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Instance, Prepared, StartContext } from '../src/runtimes/types.js';
import type { ContainerRuntime } from '../src/runtimes/container/runtime.js';
import { nowUs } from '../src/util/clock.js';
import { type Stats, stats } from './stats.js';

export interface OciColdStart {
  name: string;
  /** e.g. { sandbox: gvisor, gvisor.platform: ptrace } for runsc. */
  sandbox: Record<string, string>;
  wallMs: Stats;
  /** The engine's start call: where the OCI runtime builds the sandbox. */
  startMs: Stats;
  /** From the start call's return until the bootstrap ran: the sandbox starting Node. */
  bootMs: Stats;
  /** cgroup memory usage once the instance answered (MiB): the function plus the sandbox's own processes. */
  memoryMiB: Stats;
}

export async function memoryMiB(instance: Instance): Promise<number> {
  const c = instance.cgroup;
  const file = c?.version === 2 ? join(c.paths.unified ?? '', 'memory.current') : join(c?.paths.memory ?? '', 'memory.usage_in_bytes');
  return c ? Number(await readFile(file, 'utf8')) / 1024 / 1024 : NaN;
}

interface Cell {
  name: string;
  prepared: Prepared;
  wall: number[];
  start: number[];
  boot: number[];
  memory: number[];
}

/** Starts and stops one instance per OCI runtime per round, rotating which goes first; `check` throws to stop. */
export async function benchOciRuntimes(runtime: ContainerRuntime, base: Prepared, names: string[], samples: number, ctx: (id: string) => StartContext, check: () => void): Promise<OciColdStart[]> {
  const cells: Cell[] = [];
  for (const name of names) {
    const prepared = await runtime.prepare(base.fn, { ...base.variant, ociRuntime: name }, ctx('prepare').runId);
    cells.push({ name, prepared, wall: [], start: [], boot: [], memory: [] });
  }
  // One discarded start each: the first start of a runtime pays for loading its binary.
  for (const cell of cells) await (await runtime.start(cell.prepared, ctx(`${cell.name}-warmup`))).stop();
  for (let i = 0; i < samples; i++) {
    const order = cells.map((_, k) => cells[(i + k) % cells.length]).filter((c): c is Cell => c !== undefined);
    for (const cell of order) {
      check();
      const started = nowUs();
      const instance = await runtime.start(cell.prepared, ctx(`${cell.name}${i}`));
      cell.wall.push((nowUs() - started) / 1000);
      cell.start.push(instance.start.startMs ?? NaN);
      cell.boot.push(instance.start.bootMs ?? NaN);
      cell.memory.push(await memoryMiB(instance));
      await instance.stop();
    }
  }
  return cells.map((c) => ({ name: c.name, sandbox: c.prepared.sandbox ?? {}, wallMs: stats(c.wall), startMs: stats(c.start), bootMs: stats(c.boot), memoryMiB: stats(c.memory) }));
}
