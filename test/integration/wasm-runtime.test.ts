import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WasmRuntime } from '../../src/runtimes/wasm/runtime.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { Instance, Prepared } from '../../src/runtimes/types.js';
import type { Variant } from '../../src/scenario/variant.js';

// Real modules (built from fixtures/wasm by the test setup) through the real wasm runtime: host process, cgroup,
// worker threads, node:wasi. Invariants only, no timings.
const runtime = new WasmRuntime();
const runId = `wasm-it-${process.pid}`;
const fixture = (name: string) => resolve('fixtures/wasm', name);

function variantsOf(wasm: string, matrix: string): { fn: ReturnType<typeof parseScenarioText>['fn']; variants: Variant[] } {
  const text = `name: wasm-it\nfunction: { wasm: ${wasm} }\nruntimes: wasm\nmatrix: ${matrix}\nphases: [{ kind: constant, rate: 5, duration: 1s }]\nrequestTimeoutMs: 1s\n`;
  const loaded = parseScenarioText(text, resolve('scenario.yaml'));
  return { fn: loaded.fn, variants: expandVariants(loaded.scenario, { hostCores: 2 }) };
}

async function startOne(wasm: string, matrix: string): Promise<{ prepared: Prepared; instance: Instance }> {
  const { fn, variants } = variantsOf(wasm, matrix);
  const prepared = await runtime.prepare(fn, variants[0]!, runId);
  const instance = await runtime.start(prepared, { instanceId: `i-${variants[0]!.wasmStart}-${Math.random().toString(36).slice(2, 6)}`, runId });
  return { prepared, instance };
}

afterAll(async () => {
  await runtime.dispose(runId);
});

describe('wasm runtime: start variants', () => {
  it('tells compile, cached and pre-initialized starts apart: a cached start has no compile, a pre-initialized one a smaller init', async () => {
    const starts: Record<string, Instance['start']> = {};
    for (const mode of ['compile', 'cached', 'preinitialized']) {
      const { instance } = await startOne(fixture('heavy-init.c'), `{ memoryMb: 128, wasmStart: ${mode} }`);
      const answer = await fetch(`${instance.url}/lookup?key=7`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('x-coldlab-wasm-instantiate-us')).toMatch(/^\d+$/);
      expect(await answer.json()).toMatchObject({ size: 65536, key: 7 });
      starts[mode] = instance.start;
      await instance.stop();
      expect((await instance.exited).reason).toBe('stopped');
    }
    expect(starts.compile).toMatchObject({ fetchMs: expect.any(Number), compileMs: expect.any(Number), instantiateMs: expect.any(Number), initMs: expect.any(Number) });
    expect(starts.cached?.compileMs).toBeUndefined();
    expect(starts.cached?.fetchMs).toBeUndefined();
    expect(starts.cached?.instantiateMs).toEqual(expect.any(Number));
    expect(starts.preinitialized?.compileMs).toEqual(expect.any(Number));
    // The plain module builds its table in its first run; the snapshot already holds it.
    expect(starts.preinitialized!.initMs!).toBeLessThan(starts.compile!.initMs!);
  });

  it('serves WAGI: CGI variables in, headers and body out, and the same work as the Node fixture', async () => {
    const { prepared, instance } = await startOne(fixture('build/cpu-bound.wasm'), '{ memoryMb: 128, wasmReuse: true }');
    const first = await (await fetch(`${instance.url}/?n=3`)).json();
    const again = await fetch(`${instance.url}/?n=3`);
    expect(await again.json()).toEqual(first);
    // A kept instance is not instantiated again.
    expect(again.headers.get('x-coldlab-wasm-instantiate-us')).toBe('0');
    const nodeFixture: string = '../../fixtures/functions/cpu-bound.mjs';
    const node = (await import(nodeFixture)) as { handler(event: object): Promise<{ body: string }> };
    const expected = await node.handler({ query: { n: '3' } });
    expect(first).toEqual(JSON.parse(expected.body));
    await instance.stop();
    // The variant's notes say how its requests were served, with the host's instantiate and run times.
    expect(prepared.notes.join('\n')).toMatch(/wasm: requests served: 2, one instance reused .*run P50 \d+ µs/);
  });
});
