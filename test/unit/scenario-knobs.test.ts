import { describe, expect, it } from 'vitest';
import { RUNTIME_KNOBS, RUNTIME_KNOB_KEYS, knobOf } from '../../src/scenario/knobs/index.js';
import { RUNTIME_NAMES, matrixSchema } from '../../src/scenario/schema.js';
import { runtimeLabel, variantKnobs } from '../../src/present/format.js';
import { runResultSchema } from '../../src/results/schema.js';
import { problemsOf } from '../helpers/scenario.js';

// A runtime declares its matrix keys once (scenario/knobs/<runtime>.ts); everything else reads the registry.
describe('runtime knobs', () => {
  it('each belongs to a runtime coldlab has, and the matrix and results schemas take every one', () => {
    for (const key of RUNTIME_KNOB_KEYS) {
      expect(RUNTIME_NAMES).toContain(knobOf(key).runtime);
      expect(Object.keys(matrixSchema.shape)).toContain(key);
    }
    const variantShape = runResultSchema.shape.variants.element.options[0].shape.variant.shape;
    for (const key of RUNTIME_KNOB_KEYS) expect(Object.keys(variantShape)).toContain(key);
    expect(Object.keys(RUNTIME_KNOBS)).toEqual(['ociRuntime', 'microvmStart', 'wasmStart', 'wasmReuse']);
  });

  it('label a variant and list its detail rows from the registry', () => {
    const base = { key: 'k', id: 'k#1', repetition: 1, memoryMb: 512, provisionedConcurrency: 0, prewarm: true, keepAliveMs: 1000, instanceConcurrency: 1, maxInstances: 4, cpus: 0.3, phases: [], requestTimeoutMs: 1000 };
    expect(runtimeLabel({ ...base, runtime: 'wasm', wasmStart: 'cached', wasmReuse: true })).toBe('wasm (cached, reuse)');
    expect(runtimeLabel({ ...base, runtime: 'container', ociRuntime: 'crun' })).toBe('container (crun)');
    expect(runtimeLabel({ ...base, runtime: 'process' })).toBe('process');
    expect(variantKnobs({ ...base, runtime: 'wasm', wasmStart: 'compile', wasmReuse: false }).slice(0, 3)).toEqual([
      ['runtime', 'wasm'],
      ['Wasm start', 'compile'],
      ['Wasm instance', 'per request'],
    ]);
  });

  it('refuse a knob whose runtime the scenario does not run, with the line', () => {
    const problems = problemsOf('name: x\nfunction: { path: f.mjs }\nruntimes: [process]\nmatrix:\n  microvmStart: restore\nphases: [{ kind: constant, rate: 1, duration: 1s }]\n', '/nowhere/x.yaml');
    const knob = problems.find((p) => p.message.includes('matrix.microvmStart applies only to the microvm runtime'));
    expect(knob?.line).toBe(5);
    expect(knob?.hint).toContain('add microvm to runtimes');
  });
});
