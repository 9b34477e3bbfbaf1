import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseScenarioText } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { problemsOf } from '../helpers/scenario.js';

const file = resolve('scenarios/x.yaml');
const phases = 'phases: [{ kind: constant, rate: 1, duration: 1s }]';

describe('scenario: wasm keys', () => {
  it('expands wasmStart and wasmReuse on the wasm runtime only, and resolves function.wasm', () => {
    const text = `name: w\nfunction: { path: ../fixtures/functions/hello.mjs, wasm: ../fixtures/wasm/hello.wat }\nruntimes: [process, wasm]\nmatrix: { wasmStart: [compile, cached, preinitialized], wasmReuse: [false, true] }\n${phases}\n`;
    const loaded = parseScenarioText(text, file);
    expect(loaded.fn.wasm).toBe(resolve('fixtures/wasm/hello.wat'));
    const variants = expandVariants(loaded.scenario, { hostCores: 2 });
    expect(variants.filter((v) => v.runtime === 'process')).toHaveLength(1);
    expect(variants.filter((v) => v.runtime === 'process')[0]).not.toHaveProperty('wasmStart');
    const wasm = variants.filter((v) => v.runtime === 'wasm');
    expect(wasm.map((v) => v.key.split('/').slice(-2).join('/'))).toEqual([
      'start=compile/reuse=off', 'start=compile/reuse=on', 'start=cached/reuse=off', 'start=cached/reuse=on', 'start=preinitialized/reuse=off', 'start=preinitialized/reuse=on',
    ]);
  });

  it('names what does not fit: a wasm runtime without function.wasm, wasm knobs without it, a missing module, a wrong extension', () => {
    const noModule = problemsOf(`name: w\nfunction: { path: ../fixtures/functions/hello.mjs }\nruntimes: [wasm]\n${phases}\n`, file);
    expect(noModule.map((p) => p.message)).toContain('the wasm runtime needs "wasm" in function');
    const knobs = problemsOf(`name: w\nfunction: { path: ../fixtures/functions/hello.mjs }\nmatrix: { wasmStart: cached }\n${phases}\n`, file);
    expect(knobs[0]).toMatchObject({ message: 'matrix.wasmStart applies only to the wasm runtime, and runtimes is process', line: 3 });
    const missing = problemsOf(`name: w\nfunction: { wasm: nowhere.wasm }\nruntimes: wasm\n${phases}\n`, file);
    expect(missing[0]?.message).toBe('Wasm module "nowhere.wasm" does not exist');
    const wrong = problemsOf(`name: w\nfunction: { wasm: ../fixtures/functions/hello.mjs }\nruntimes: wasm\n${phases}\n`, file);
    expect(wrong[0]?.message).toMatch(/neither a module \(\.wasm\) nor a source/);
    const onlyWasm = problemsOf(`name: w\nfunction: { wasm: ../fixtures/wasm/hello.wat }\nruntimes: [process, wasm]\n${phases}\n`, file);
    expect(onlyWasm[0]?.message).toBe('runtime process cannot run a Wasm module; only the wasm runtime can');
  });
});
