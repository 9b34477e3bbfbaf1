import { resolve } from 'node:path';
import { WasmRuntime } from '../src/runtimes/wasm/runtime.js';
import { ProcessRuntime } from '../src/runtimes/process/runtime.js';
import type { Prepared, Runtime } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import type { WasmStart } from '../src/scenario/schema.js';
import { type Stats, stats } from './stats.js';
import { benchWasmCold, type ColdMode, helloModule, type WasmColdSide } from './wasmGateway.js';
import { closeConnections, startFloor, timedGet } from './wasmFloor.js';

export const WASM_STARTS: readonly WasmStart[] = ['compile', 'cached', 'preinitialized'];

export interface WasmBench {
  coldSamples: number;
  warmSamples: number;
  /** heavy-init.wasm, per start mode: whole start and its steps, ms. */
  cold: Record<WasmStart, { totalMs: Stats; fetchMs: Stats; compileMs: Stats; instantiateMs: Stats; initMs: Stats; createMs: Stats }>;
  /** hello, a warm request sent straight to an instance (no gateway), ms; and the Wasm host's instantiate and run, µs. */
  warm: { wasmMs: Stats; processMs: Stats; instantiateUs: Stats; runUs: Stats };
  /** The hand-written floor's warm request (HTTP into a running worker, a fresh instance), ms, and its instantiate and run, µs. */
  floor: { requestMs: Stats; instantiateUs: Stats; runUs: Stats };
  /** hello's cold start through the gateway against the floor, per start mode. */
  gateway: Record<ColdMode, WasmColdSide>;
}

const module = (name: string): string => resolve('fixtures/wasm/build', name);
const ofSteps = (xs: number[]): Stats => stats(xs.filter((x) => Number.isFinite(x)));

/** Cold starts of heavy-init by compile, cached module and Wizer snapshot, taken round robin so drift spreads evenly. */
async function coldStarts(runtime: WasmRuntime, base: Variant, runId: string, samples: number): Promise<WasmBench['cold']> {
  const fn: FunctionSpec = { wasm: module('heavy-init.wasm'), handler: 'handler', env: {} };
  const prepared = new Map<WasmStart, Prepared>();
  const steps = new Map<WasmStart, Record<string, number[]>>();
  for (const mode of WASM_STARTS) {
    // One host per prepared variant: prepare() closes a runId's earlier hosts, so each mode gets its own runId.
    prepared.set(mode, await runtime.prepare(fn, { ...base, key: `bench-${mode}`, wasmStart: mode }, `${runId}-${mode}`));
    steps.set(mode, { totalMs: [], fetchMs: [], compileMs: [], instantiateMs: [], initMs: [], createMs: [] });
  }
  for (let i = -1; i < samples; i++) {
    for (const mode of WASM_STARTS) {
      await runtime.whenParked(prepared.get(mode)!);
      const instance = await runtime.start(prepared.get(mode)!, { instanceId: `${mode}-${i + 1}`, runId: `${runId}-${mode}` });
      await instance.stop();
      if (i < 0) continue; // first start of each mode discarded: first use of the host's code paths
      const into = steps.get(mode)!;
      for (const key of Object.keys(into)) into[key]!.push((instance.start as unknown as Record<string, number | undefined>)[key] ?? NaN);
    }
  }
  const out = {} as WasmBench['cold'];
  for (const mode of WASM_STARTS) {
    const s = steps.get(mode)!;
    out[mode] = { totalMs: ofSteps(s.totalMs!), fetchMs: ofSteps(s.fetchMs!), compileMs: ofSteps(s.compileMs!), instantiateMs: ofSteps(s.instantiateMs!), initMs: ofSteps(s.initMs!), createMs: ofSteps(s.createMs!) };
  }
  return out;
}

/** Warm requests to one Wasm instance (instantiate + run per request) and one process instance, alternating in blocks of ten. */
async function warmRequests(wasm: WasmRuntime, base: Variant, runId: string, samples: number): Promise<{ warm: WasmBench['warm']; floor: WasmBench['floor'] }> {
  const processRuntime: Runtime = new ProcessRuntime();
  const wasmPrepared = await wasm.prepare({ wasm: module('hello.wasm'), handler: 'handler', env: {} }, { ...base, key: 'bench-warm', wasmStart: 'cached' }, `${runId}-warm`);
  const processPrepared = await processRuntime.prepare({ path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} }, { ...base, runtime: 'process' }, `${runId}-warm`);
  const w = await wasm.start(wasmPrepared, { instanceId: 'warm-w', runId: `${runId}-warm` });
  const p = await processRuntime.start(processPrepared, { instanceId: 'warm-p', runId: `${runId}-warm` });
  const floor = await startFloor(module('hello.wasm'));
  const f = `${floor.url}/request`;
  const x = { wasm: [] as number[], process: [] as number[], floor: [] as number[], instantiate: [] as number[], run: [] as number[], floorInstantiate: [] as number[], floorRun: [] as number[] };
  try {
    for (let i = 0; i < 20; i++) await Promise.all([timedGet(w.url), timedGet(p.url), timedGet(f)]); // keep-alive sockets, JIT
    for (let block = 0; block < samples / 10; block++) {
      // The three sides in rotating order, ten requests each, so drift hits all alike.
      for (let k = 0; k < 3; k++) {
        const side = (['wasm', 'process', 'floor'] as const)[(block + k) % 3]!;
        for (let i = 0; i < 10; i++) {
          const { ms, headers } = await timedGet(side === 'wasm' ? w.url : side === 'process' ? p.url : f);
          x[side].push(ms);
          if (side === 'wasm') {
            x.instantiate.push(Number(headers.get('x-coldlab-wasm-instantiate-us')));
            x.run.push(Number(headers.get('x-coldlab-wasm-run-us')));
          } else if (side === 'floor') {
            x.floorInstantiate.push(Number(headers.get('x-floor-instantiate-us')));
            x.floorRun.push(Number(headers.get('x-floor-run-us')));
          }
        }
      }
    }
  } finally {
    await Promise.all([w.stop(), p.stop(), floor.stop()]);
    await processRuntime.dispose(`${runId}-warm`);
  }
  return {
    warm: { wasmMs: stats(x.wasm), processMs: stats(x.process), instantiateUs: stats(x.instantiate), runUs: stats(x.run) },
    floor: { requestMs: stats(x.floor), instantiateUs: stats(x.floorInstantiate), runUs: stats(x.floorRun) },
  };
}

/** The whole Wasm section: hello's cold start through the gateway against the floor, heavy-init's starts by mode, warm requests against the process runtime and the floor. */
export async function benchWasm(base: Variant, coldSamples: number, warmSamples: number): Promise<WasmBench> {
  const runtime = new WasmRuntime();
  const runId = `bench-wasm-${process.pid}`;
  const variant: Variant = { ...base, runtime: 'wasm', maxInstances: 1, provisionedConcurrency: 0, wasmReuse: false };
  try {
    const gateway = await benchWasmCold(helloModule(), variant, coldSamples * 2);
    const cold = await coldStarts(runtime, variant, runId, coldSamples);
    const { warm, floor } = await warmRequests(runtime, variant, runId, warmSamples);
    return { coldSamples, warmSamples, cold, warm, floor, gateway };
  } finally {
    closeConnections();
    for (const suffix of [...WASM_STARTS, 'warm']) await runtime.dispose(`${runId}-${suffix}`);
  }
}
