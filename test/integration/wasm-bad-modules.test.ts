import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WasmRuntime } from '../../src/runtimes/wasm/runtime.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { runVariant } from '../../src/lab/variant.js';
import type { VariantResult } from '../../src/results/model.js';

// Each bad-module class through the lab (gateway, pool, load) on the real wasm runtime: counted by cause, named in
// the results, and the next variant still runs.
const runtime = new WasmRuntime();
const runId = `wasm-bad-${process.pid}`;

async function run(module: string, matrix = '{ memoryMb: 64 }'): Promise<VariantResult> {
  const text = `name: wasm-bad\nfunction: { wasm: fixtures/wasm/build/bad/${module} }\nruntimes: wasm\nmatrix: ${matrix}\nphases: [{ kind: constant, rate: 4, duration: 1s }]\nrequestTimeoutMs: 5s\n`;
  const loaded = parseScenarioText(text, resolve('scenario.yaml'));
  const [variant] = expandVariants(loaded.scenario, { hostCores: 2 });
  return runVariant({ runtime, fn: loaded.fn, variant: variant!, runId, signal: new AbortController().signal });
}

const errorsOf = (result: VariantResult): Record<string, number> => result.phases[0]?.errors ?? {};
const okOf = (result: VariantResult): number => result.phases[0]?.ok ?? 0;

afterAll(async () => {
  await runtime.dispose(runId);
});

describe('wasm runtime: bad modules', () => {
  it('invalid bytes and a module without _start fail their starts; the variant fails naming module and cause, and the next one runs', async () => {
    const invalid = await run('invalid.wasm');
    // Three failed starts fail the variant; on a slow host the phase may end before the third.
    expect(invalid.instances.filter((i) => i.stopReason === 'start-failed')[0]?.error).toMatch(/^module invalid\.wasm: is not a valid WebAssembly module/);
    if (invalid.status === 'failed') expect(invalid.error.code).toBe('WASM_INVALID_MODULE');
    else expect(errorsOf(invalid)['gateway:wasm_invalid_module']).toBeGreaterThan(0);

    const noStart = await run('no-start.wasm');
    expect(noStart.instances.filter((i) => i.stopReason === 'start-failed')[0]?.error).toMatch(/^module no-start\.wasm: exports no _start function/);
    if (noStart.status === 'failed') expect(noStart.error.code).toBe('WASM_NO_START');
  });

  it('a trap, output without content-type and an endless loop fail their requests by cause; the loop\'s worker is replaced', async () => {
    const trap = await run('trap.wasm');
    expect(okOf(trap)).toBe(0);
    expect(errorsOf(trap)['wasm-trap']).toBeGreaterThan(0);
    expect(trap.notes.join('\n')).toMatch(/wasm-trap.*module trap\.wasm: trapped \(RuntimeError: unreachable/);

    const noType = await run('no-content-type.wasm');
    expect(okOf(noType)).toBe(0);
    expect(errorsOf(noType)['wasm-bad-response']).toBeGreaterThan(0);
    expect(noType.notes.join('\n')).toMatch(/no-content-type\.wasm: the response has no content-type header/);

    const loop = await run('loop.wasm');
    expect(errorsOf(loop)['wasm-timeout']).toBeGreaterThan(0);
    const killed = loop.instances.filter((i) => i.stopReason === 'crashed');
    expect(killed.length).toBeGreaterThan(0);
    expect(killed[0]?.error).toMatch(/module loop\.wasm: request ran longer than 2500 ms/);
  });

  it('memoryMb caps linear memory: a module that outgrows it fails with memory-limit and its instance is replaced', async () => {
    const grow = await run('grow.wasm', '{ memoryMb: 32 }');
    expect(okOf(grow)).toBe(0);
    expect(errorsOf(grow)['wasm-memory-limit']).toBeGreaterThan(0);
    const oom = grow.instances.filter((i) => i.stopReason === 'oom-killed');
    expect(oom.length).toBeGreaterThan(0);
    expect(oom[0]?.error).toMatch(/module grow\.wasm: outgrew its memory limit \(linear memory \d+ MiB of 32 MiB\)/);
  });
});
