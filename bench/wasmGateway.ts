// Wasm cold starts through coldlab, gateway included, against the hand-written floor, side by side in one run:
// per start mode (cached, compile, sampled in turn), samples alternate floor and coldlab (order swapped every other sample). Each coldlab sample is one request to
// the gateway with no instance alive and a thread parked (as a platform with idle capacity has one), so the
// request pays the start: handoff, (compile,) instantiate, init, then its own fresh instance.
import { resolve } from 'node:path';
import { WasmRuntime } from '../src/runtimes/wasm/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { type Gateway, startGateway } from '../src/platform/gateway.js';
import type { Prepared } from '../src/runtimes/types.js';
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

interface Side {
  prepared: Prepared;
  pool: Pool;
  gateway: Gateway;
  s: Record<'floor' | 'coldlab' | 'floorCompile' | 'coldlabCompile' | 'start' | 'handoff', number[]>;
}

/** One sample of one mode: a floor request and a coldlab cold start, in the order given, each with the host idle. */
async function sample(runtime: WasmRuntime, floorUrl: string, side: Side, floorFirst: boolean, keep: boolean): Promise<void> {
  const { prepared, pool, gateway, s } = side;
  // Both sides start with the host idle: its replacement thread parked, not booting beside the sample.
  await runtime.whenParked(prepared);
  const early = floorFirst ? await timedGet(floorUrl) : undefined;
  const c = await timedGet(gateway.url);
  const instance = pool.instances()[0];
  if (!instance) throw new Error('the request was answered with no instance alive');
  // Stopped now (keepAliveMs 0): the next request is cold again.
  pool.reap();
  await instance.exited;
  await runtime.whenParked(prepared);
  const f = early ?? (await timedGet(floorUrl));
  if (!keep) return;
  s.floor.push(f.ms);
  s.coldlab.push(c.ms);
  s.floorCompile.push(headerMs(f.headers, 'x-floor-compile-us'));
  s.coldlabCompile.push(instance.start.compileMs ?? 0);
  s.start.push(instance.start.totalMs);
  s.handoff.push(instance.start.createMs ?? NaN);
}

/** Both modes prepared at once (a host each) and sampled in turn, so drift on a shared host spreads over both. */
export async function benchWasmCold(module: string, base: Variant, samples: number): Promise<Record<ColdMode, WasmColdSide>> {
  const runtime = new WasmRuntime();
  const floor = await startFloor(module);
  const runId = (mode: ColdMode): string => `bench-wasm-cold-${process.pid}-${mode}`;
  const sides = new Map<ColdMode, Side>();
  try {
    for (const mode of COLD_MODES) {
      // prepare() closes a runId's earlier hosts: each mode has its own runId.
      const prepared = await runtime.prepare({ wasm: module, handler: 'handler', env: {} }, { ...base, key: `cold-${mode}`, wasmStart: mode, keepAliveMs: 0 }, runId(mode));
      const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 0, provisioned: 0, startInstance: (instanceId, signal, onAccepting) => runtime.start(prepared, { instanceId, runId: runId(mode), signal, onAccepting }) });
      sides.set(mode, { prepared, pool, gateway: await startGateway(pool), s: { floor: [], coldlab: [], floorCompile: [], coldlabCompile: [], start: [], handoff: [] } });
    }
    // Sample -1 of each side is discarded: first use of this process's code paths and connections.
    for (let i = -1; i < samples; i++) {
      for (const mode of COLD_MODES) await sample(runtime, `${floor.url}/cold?mode=${mode}`, sides.get(mode)!, i % 2 === 0, i >= 0);
    }
    const out = {} as Record<ColdMode, WasmColdSide>;
    for (const [mode, { pool, s }] of sides) {
      // Every coldlab request must have been a cold start: one instance each.
      if (pool.records().length !== samples + 1) throw new Error(`${mode}: expected ${samples + 1} cold starts, the pool made ${pool.records().length}`);
      out[mode] = { floorMs: stats(s.floor), coldlabMs: stats(s.coldlab), floorCompileMs: stats(s.floorCompile), coldlabCompileMs: stats(s.coldlabCompile), startMs: stats(s.start), handoffMs: stats(s.handoff) };
    }
    return out;
  } finally {
    for (const { gateway, pool } of sides.values()) {
      await gateway.close();
      await pool.close();
    }
    await floor.stop();
    for (const mode of COLD_MODES) await runtime.dispose(runId(mode));
  }
}

export const helloModule = (): string => resolve('fixtures/wasm/build/hello.wasm');
