// Wasm cold starts through coldlab, gateway included, against the hand-written floor, side by side in one run:
// per start mode (cached, compile), samples alternate floor and coldlab (order swapped every other sample). Each coldlab sample is one request to
// the gateway with no instance alive and a thread parked (as a platform with idle capacity has one), so the
// request pays the start: handoff, (compile,) instantiate, init, then its own fresh instance.
import { resolve } from 'node:path';
import { WasmRuntime } from '../src/runtimes/wasm/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { startGateway } from '../src/platform/gateway.js';
import type { Variant } from '../src/scenario/variant.js';
import { type Stats, stats } from './stats.js';
import { headerMs, startFloor, timedGet } from './wasmFloor.js';

export const COLD_MODES = ['cached', 'compile'] as const;
export type ColdMode = (typeof COLD_MODES)[number];

export interface WasmColdSide {
  /** Request sent → answer read, ms. */
  floorMs: Stats;
  coldlabMs: Stats;
  /** Compile alone, ms: the floor's in its worker, coldlab's from the start breakdown (compile mode). */
  floorCompileMs: Stats;
  coldlabCompileMs: Stats;
  /** coldlab's start.totalMs and its handoff to the parked thread (createMs), ms. */
  startMs: Stats;
  handoffMs: Stats;
}

export async function benchWasmCold(module: string, base: Variant, samples: number): Promise<Record<ColdMode, WasmColdSide>> {
  const runtime = new WasmRuntime();
  const floor = await startFloor(module);
  const runId = `bench-wasm-cold-${process.pid}`;
  const out = {} as Record<ColdMode, WasmColdSide>;
  try {
    for (const mode of COLD_MODES) {
      const prepared = await runtime.prepare({ wasm: module, handler: 'handler', env: {} }, { ...base, key: `cold-${mode}`, wasmStart: mode, keepAliveMs: 0 }, runId);
      const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 0, provisioned: 0, startInstance: (instanceId, signal) => runtime.start(prepared, { instanceId, runId, signal }) });
      const gateway = await startGateway(pool);
      const s = { floor: [] as number[], coldlab: [] as number[], floorCompile: [] as number[], coldlabCompile: [] as number[], start: [] as number[], handoff: [] as number[] };
      try {
        // Sample -1 of each side is discarded: first use of this process's code paths and connections.
        for (let i = -1; i < samples; i++) {
          // Both sides start with the host idle: its replacement thread parked, not booting beside the sample.
          await runtime.whenParked(prepared);
          const floorFirst = i % 2 === 0;
          const f = floorFirst ? await timedGet(`${floor.url}/cold?mode=${mode}`) : undefined;
          const c = await timedGet(gateway.url);
          const instance = pool.instances()[0];
          if (!instance) throw new Error('the request was answered with no instance alive');
          // Stopped now (keepAliveMs 0): the next request is cold again.
          pool.reap();
          await instance.exited;
          await runtime.whenParked(prepared);
          const floorAnswer = f ?? (await timedGet(`${floor.url}/cold?mode=${mode}`));
          if (i < 0) continue;
          s.floor.push(floorAnswer.ms);
          s.coldlab.push(c.ms);
          s.floorCompile.push(headerMs(floorAnswer.headers, 'x-floor-compile-us'));
          s.coldlabCompile.push(instance.start.compileMs ?? 0);
          s.start.push(instance.start.totalMs);
          s.handoff.push(instance.start.createMs ?? NaN);
        }
        // Every coldlab request must have been a cold start: one instance each.
        if (pool.records().length !== samples + 1) throw new Error(`expected ${samples + 1} cold starts, the pool made ${pool.records().length}`);
      } finally {
        await gateway.close();
        await pool.close();
      }
      out[mode] = { floorMs: stats(s.floor), coldlabMs: stats(s.coldlab), floorCompileMs: stats(s.floorCompile), coldlabCompileMs: stats(s.coldlabCompile), startMs: stats(s.start), handoffMs: stats(s.handoff) };
    }
  } finally {
    await floor.stop();
    await runtime.dispose(runId);
  }
  return out;
}

export const helloModule = (): string => resolve('fixtures/wasm/build/hello.wasm');
