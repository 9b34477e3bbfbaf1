import { z } from 'zod';
import { knob } from './knob.js';

export const WASM_STARTS = ['compile', 'cached', 'preinitialized'] as const;
export type WasmStart = (typeof WASM_STARTS)[number];

/** The wasm runtime's matrix keys. */
export const wasmKnobs = {
  wasmStart: knob({
    runtime: 'wasm',
    schema: z.enum(WASM_STARTS),
    description: 'Wasm runtime only: how a cold start gets its module: compile (from bytes each time), cached (compiled once by the host), preinitialized (snapshotted after init with Wizer); default compile',
    fallback: 'compile',
    keyPart: (v) => `start=${v}`,
    label: (v) => v,
    detail: ['Wasm start', (v) => v],
  }),
  wasmReuse: knob({
    runtime: 'wasm',
    schema: z.boolean(),
    description: 'Wasm runtime only: true = one instance serves many requests; false (default) = a fresh instance per request, as Spin does',
    fallback: false,
    keyPart: (v) => `reuse=${v ? 'on' : 'off'}`,
    label: (v) => (v ? 'reuse' : undefined),
    detail: ['Wasm instance', (v) => (v ? 'reused' : 'per request')],
  }),
};
