import type { z } from 'zod';
import { containerKnobs } from './container.js';
import { microvmKnobs } from './microvm.js';
import { wasmKnobs } from './wasm.js';
import type { RuntimeKnob } from './knob.js';

/**
 * Every runtime's own matrix keys, one line per runtime: the schema, the matrix expansion, the variant's key,
 * label and detail rows and the results file all read them from here. A key declared twice is a bug.
 */
export const RUNTIME_KNOBS = { ...containerKnobs, ...microvmKnobs, ...wasmKnobs };

export type RuntimeKnobKey = keyof typeof RUNTIME_KNOBS;
/** A variant's runtime knobs, each present only on variants of its runtime. */
export type RuntimeKnobValues = { [K in RuntimeKnobKey]?: z.output<(typeof RUNTIME_KNOBS)[K]['schema']> };

export const RUNTIME_KNOB_KEYS = Object.keys(RUNTIME_KNOBS) as RuntimeKnobKey[];

if (RUNTIME_KNOB_KEYS.length !== Object.keys(containerKnobs).length + Object.keys(microvmKnobs).length + Object.keys(wasmKnobs).length) {
  throw new Error('a runtime knob is declared twice');
}

/** A knob by key, typed loosely for code that walks all of them. */
export const knobOf = (key: RuntimeKnobKey): RuntimeKnob => RUNTIME_KNOBS[key] as RuntimeKnob;

export type { MicrovmStart } from './microvm.js';
export type { WasmStart } from './wasm.js';
export { MICROVM_STARTS } from './microvm.js';
export { WASM_STARTS } from './wasm.js';
