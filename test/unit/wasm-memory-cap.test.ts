import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { capMemory, PAGE_BYTES } from '../../src/runtimes/wasm/memoryCap.js';

// The project's TypeScript lib (ES2023, no DOM) has no WebAssembly JS API types: the few used here.
interface WasmMemory {
  grow(pages: number): number;
  buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { memory: WasmMemory } };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// On real modules built by the test setup from fixtures/wasm.
describe('capMemory', () => {
  it('gives a module\'s own memory a maximum, so growing past memoryMb fails', async () => {
    const capped = capMemory(await readFile('fixtures/wasm/build/hello.wasm'), 4);
    expect(capped).toMatchObject({ kind: 'capped', minPages: 1, maxPages: 4 });
    if (capped.kind !== 'capped') return;
    const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(capped.bytes), { wasi_snapshot_preview1: { fd_write: () => 0 } });
    const memory = instance.exports.memory;
    expect(memory.grow(3)).toBe(1);
    expect(memory.buffer.byteLength).toBe(4 * PAGE_BYTES);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('refuses a module that needs more than the cap at start, and leaves non-modules to the compiler', async () => {
    const c = await readFile('fixtures/wasm/build/cpu-bound.wasm');
    expect(capMemory(c, 1)).toMatchObject({ kind: 'too-small', maxPages: 1 });
    expect(capMemory(new TextEncoder().encode('not wasm at all'), 16)).toMatchObject({ kind: 'unchanged', reason: 'not a WebAssembly binary' });
  });
});
