import { resolve } from 'node:path';
import { execa } from 'execa';
import { WasmRuntime } from '../src/runtimes/wasm/runtime.js';
import { ProcessRuntime } from '../src/runtimes/process/runtime.js';
import type { Prepared, Runtime } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import type { WasmStart } from '../src/scenario/schema.js';
import { nowUs } from '../src/util/clock.js';
import { type Stats, stats } from './stats.js';

export const WASM_STARTS: readonly WasmStart[] = ['compile', 'cached', 'preinitialized'];

export interface WasmBench {
  coldSamples: number;
  warmSamples: number;
  /** heavy-init.wasm, per start mode: whole start and its steps, ms. */
  cold: Record<WasmStart, { totalMs: Stats; fetchMs: Stats; compileMs: Stats; instantiateMs: Stats; initMs: Stats; createMs: Stats }>;
  /** hello, a warm request sent straight to an instance (no gateway), ms; and the Wasm host's instantiate and run, µs. */
  warm: { wasmMs: Stats; processMs: Stats; instantiateUs: Stats; runUs: Stats };
  /** The same module instantiated and run in a plain Node script, µs. */
  floor: { instantiateUs: Stats; runUs: Stats };
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

async function timedGet(url: string): Promise<{ ms: number; headers: Headers }> {
  const started = nowUs();
  const answer = await fetch(url);
  await answer.arrayBuffer();
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  return { ms: (nowUs() - started) / 1000, headers: answer.headers };
}

/** Warm requests to one Wasm instance (instantiate + run per request) and one process instance, alternating in blocks of ten. */
async function warmRequests(wasm: WasmRuntime, base: Variant, runId: string, samples: number): Promise<WasmBench['warm']> {
  const processRuntime: Runtime = new ProcessRuntime();
  const wasmPrepared = await wasm.prepare({ wasm: module('hello.wasm'), handler: 'handler', env: {} }, { ...base, key: 'bench-warm', wasmStart: 'cached' }, `${runId}-warm`);
  const processPrepared = await processRuntime.prepare({ path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} }, { ...base, runtime: 'process' }, `${runId}-warm`);
  const w = await wasm.start(wasmPrepared, { instanceId: 'warm-w', runId: `${runId}-warm` });
  const p = await processRuntime.start(processPrepared, { instanceId: 'warm-p', runId: `${runId}-warm` });
  const wasmMs: number[] = [];
  const processMs: number[] = [];
  const instantiateUs: number[] = [];
  const runUs: number[] = [];
  try {
    for (let i = 0; i < 20; i++) await Promise.all([timedGet(w.url), timedGet(p.url)]); // keep-alive sockets, JIT
    for (let block = 0; block < samples / 10; block++) {
      for (const side of block % 2 === 0 ? ['wasm', 'process'] : ['process', 'wasm']) {
        for (let i = 0; i < 10; i++) {
          const { ms, headers } = await timedGet(side === 'wasm' ? w.url : p.url);
          if (side === 'process') processMs.push(ms);
          else {
            wasmMs.push(ms);
            instantiateUs.push(Number(headers.get('x-coldlab-wasm-instantiate-us')));
            runUs.push(Number(headers.get('x-coldlab-wasm-run-us')));
          }
        }
      }
    }
  } finally {
    await Promise.all([w.stop(), p.stop()]);
    await processRuntime.dispose(`${runId}-warm`);
  }
  return { wasmMs: stats(wasmMs), processMs: stats(processMs), instantiateUs: stats(instantiateUs), runUs: stats(runUs) };
}

/** The whole Wasm section: cold starts by mode, warm requests against the process runtime, and the plain-script floor. */
export async function benchWasm(base: Variant, coldSamples: number, warmSamples: number): Promise<WasmBench> {
  const runtime = new WasmRuntime();
  const runId = `bench-wasm-${process.pid}`;
  const variant: Variant = { ...base, runtime: 'wasm', maxInstances: 1, provisionedConcurrency: 0, wasmReuse: false };
  try {
    const cold = await coldStarts(runtime, variant, runId, coldSamples);
    const warm = await warmRequests(runtime, variant, runId, warmSamples);
    const floorRun = await execa(process.execPath, ['--disable-warning=ExperimentalWarning', resolve('bench/wasm-floor.mjs'), module('hello.wasm'), String(warmSamples + 20)]);
    const floor = JSON.parse(floorRun.stdout) as { instantiateUs: number[]; runUs: number[] };
    return { coldSamples, warmSamples, cold, warm, floor: { instantiateUs: stats(floor.instantiateUs.slice(20)), runUs: stats(floor.runUs.slice(20)) } };
  } finally {
    for (const suffix of [...WASM_STARTS, 'warm']) await runtime.dispose(`${runId}-${suffix}`);
  }
}
