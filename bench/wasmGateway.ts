// Wasm cold starts through coldlab, gateway included, against the hand-written floor, side by side in one run:
// per start mode (cached, compile, sampled in turn), each sample takes the floor, the floor behind coldlab's gateway and
// a coldlab cold start in an order that rotates over the samples. Each coldlab sample is one request to
// the gateway with no instance alive and a thread parked (as a platform with idle capacity has one), so the
// request pays the start: handoff, (compile,) instantiate, init, then its own fresh instance.
import { resolve } from 'node:path';
import { WasmRuntime } from '../src/runtimes/wasm/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { type Gateway, startGateway } from '../src/platform/gateway.js';
import type { Instance } from '../src/runtimes/types.js';
import type { Variant } from '../src/scenario/variant.js';
import { type Stats, stats } from './stats.js';
import { floorBehindGateway, headerMs, startFloor, timedGet } from './wasmFloor.js';
import { startIsolatedFloor } from './wasmIsolatedFloor.js';

export const COLD_MODES = ['cached', 'compile'] as const;
export type ColdMode = (typeof COLD_MODES)[number];

export interface WasmColdSide {
  /** Request sent → answer read, ms. */
  floorMs: Stats;
  /** The floor behind coldlab's gateway (bench/wasmFloor.ts floorBehindGateway): the least a gateway-fronted design costs. */
  gatewayFloorMs: Stats;
  /**
   * cached only: the isolated floor behind the gateway (bench/wasm-isolated-floor.mjs): a thread of its own in a
   * process of its own, serving its own port; a new thread per instance (fresh) or one reused (recycled).
   */
  isolatedFreshMs?: Stats;
  isolatedRecycledMs?: Stats;
  coldlabMs: Stats;
  /** Compile alone, ms: the floor's in its worker, coldlab's from the start breakdown (compile mode). */
  floorCompileMs: Stats;
  coldlabCompileMs: Stats;
  /** coldlab's start.totalMs and its handoff to the parked thread (createMs), ms. */
  startMs: Stats;
  handoffMs: Stats;
}

const FIGURES = ['floor', 'gatewayFloor', 'isolatedFresh', 'isolatedRecycled', 'coldlab', 'floorCompile', 'coldlabCompile', 'start', 'handoff'] as const;
type Figure = (typeof FIGURES)[number];
/** One timed request of one side, leaving its host idle again; pushes its figures when kept. */
type Probe = (keep: boolean) => Promise<void>;

interface Mode {
  probes: Probe[];
  s: Record<Figure, number[]>;
  pool: Pool;
  close(): Promise<void>;
}

/** A cold start of a pool whose instances are stopped after each answer (keepAliveMs 0), timed through its gateway. */
async function coldThrough(pool: Pool, gateway: Gateway, idle: () => Promise<void>): Promise<{ ms: number; instance: Instance }> {
  await idle();
  const { ms } = await timedGet(gateway.url);
  const instance = pool.instances()[0];
  if (!instance) throw new Error('the request was answered with no instance alive');
  pool.reap();
  await instance.exited;
  // The next side starts with this host idle: its replacement thread parked, not booting beside the sample.
  await idle();
  return { ms, instance };
}

/** The samples' order rotates over the sides and reverses every other round, so each comes at each place alike. */
function order<T>(items: readonly T[], round: number): T[] {
  const k = ((round % items.length) + items.length) % items.length;
  const rotated = [...items.slice(k), ...items.slice(0, k)];
  return Math.floor(round / items.length) % 2 === 0 ? rotated : rotated.reverse();
}

/** Both modes prepared at once (a host each) and sampled in turn, so drift on a shared host spreads over both. */
export async function benchWasmCold(module: string, base: Variant, samples: number): Promise<Record<ColdMode, WasmColdSide>> {
  const runtime = new WasmRuntime();
  const floor = await startFloor(module);
  const gatewayFloor = await floorBehindGateway(floor);
  const runId = (mode: ColdMode): string => `bench-wasm-cold-${process.pid}-${mode}`;
  const modes = new Map<ColdMode, Mode>();
  try {
    for (const mode of COLD_MODES) {
      const s = Object.fromEntries(FIGURES.map((k) => [k, [] as number[]])) as Record<Figure, number[]>;
      const path = `/cold?mode=${mode}`;
      // prepare() closes a runId's earlier hosts: each mode has its own runId.
      const prepared = await runtime.prepare({ wasm: module, handler: 'handler', env: {} }, { ...base, key: `cold-${mode}`, wasmStart: mode, keepAliveMs: 0 }, runId(mode));
      const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 0, provisioned: 0, startInstance: (instanceId, signal, onAccepting) => runtime.start(prepared, { instanceId, runId: runId(mode), signal, onAccepting }) });
      const gateway = await startGateway(pool);
      const closing: (() => Promise<void>)[] = [gateway.close, () => pool.close()];
      const probes: Probe[] = [
        async (keep) => {
          const f = await timedGet(`${floor.url}${path}`);
          if (keep) s.floor.push(f.ms);
          if (keep) s.floorCompile.push(headerMs(f.headers, 'x-floor-compile-us'));
        },
        async (keep) => {
          const f = await timedGet(`${gatewayFloor.url}${path}`);
          if (keep) s.gatewayFloor.push(f.ms);
        },
        async (keep) => {
          const { ms, instance } = await coldThrough(pool, gateway, () => runtime.whenParked(prepared));
          if (!keep) return;
          s.coldlab.push(ms);
          s.coldlabCompile.push(instance.start.compileMs ?? 0);
          s.start.push(instance.start.totalMs);
          s.handoff.push(instance.start.createMs ?? NaN);
        },
      ];
      if (mode === 'cached') {
        for (const how of ['fresh', 'recycled'] as const) {
          const isolated = await startIsolatedFloor(module, how);
          closing.push(isolated.close);
          probes.push(async (keep) => {
            const { ms } = await coldThrough(isolated.pool, isolated.gateway, isolated.parked);
            if (keep) s[how === 'fresh' ? 'isolatedFresh' : 'isolatedRecycled'].push(ms);
          });
        }
      }
      modes.set(mode, { probes, s, pool, close: async () => { for (const close of closing) await close(); } });
    }
    // Round -1 is discarded: first use of this process's code paths and connections.
    for (let i = -1; i < samples; i++) {
      for (const mode of COLD_MODES) {
        for (const probe of order(modes.get(mode)!.probes, i)) await probe(i >= 0);
      }
    }
    const out = {} as Record<ColdMode, WasmColdSide>;
    for (const [mode, { pool, s }] of modes) {
      // Every coldlab request must have been a cold start: one instance each.
      if (pool.records().length !== samples + 1) throw new Error(`${mode}: expected ${samples + 1} cold starts, the pool made ${pool.records().length}`);
      out[mode] = {
        floorMs: stats(s.floor),
        gatewayFloorMs: stats(s.gatewayFloor),
        ...(s.isolatedFresh.length > 0 ? { isolatedFreshMs: stats(s.isolatedFresh), isolatedRecycledMs: stats(s.isolatedRecycled) } : {}),
        coldlabMs: stats(s.coldlab),
        floorCompileMs: stats(s.floorCompile),
        coldlabCompileMs: stats(s.coldlabCompile),
        startMs: stats(s.start),
        handoffMs: stats(s.handoff),
      };
    }
    return out;
  } finally {
    for (const { close } of modes.values()) await close();
    await gatewayFloor.close();
    await floor.stop();
    for (const mode of COLD_MODES) await runtime.dispose(runId(mode));
  }
}

export const helloModule = (): string => resolve('fixtures/wasm/build/hello.wasm');
