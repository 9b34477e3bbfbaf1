import type { z } from 'zod';
import { containerKnobs } from './container.js';
import { microvmKnobs } from './microvm.js';
import { wasmKnobs } from './wasm.js';
import type { RuntimeKnob } from './knob.js';

// One object of every group's keys, typed as all of them; a key two groups declare is a bug, refused at load.
type Merged<T extends readonly object[]> = T extends readonly [infer Head, ...infer Rest extends readonly object[]] ? Head & Merged<Rest> : unknown;
function registry<T extends readonly object[]>(...groups: T): Merged<T> {
  const all: Record<string, unknown> = {};
  for (const group of groups)
    for (const [key, value] of Object.entries(group)) {
      if (key in all) throw new Error(`runtime knob "${key}" is declared twice`);
      all[key] = value;
    }
  return all as Merged<T>;
}

/**
 * Every runtime's own matrix keys, one argument per runtime: the schema, the matrix expansion, the variant's
 * key, label and detail rows and the results file all read them from here.
 */
export const RUNTIME_KNOBS = registry(containerKnobs, microvmKnobs, wasmKnobs);

export type RuntimeKnobKey = keyof typeof RUNTIME_KNOBS;
/** A variant's runtime knobs, each present only on variants of its runtime. */
export type RuntimeKnobValues = { [K in RuntimeKnobKey]?: z.output<(typeof RUNTIME_KNOBS)[K]['schema']> };

export const RUNTIME_KNOB_KEYS = Object.keys(RUNTIME_KNOBS) as RuntimeKnobKey[];

/** A knob by key, typed loosely for code that walks all of them. */
export const knobOf = (key: RuntimeKnobKey): RuntimeKnob => RUNTIME_KNOBS[key] as RuntimeKnob;

export type { MicrovmStart } from './microvm.js';
export type { WasmStart } from './wasm.js';
export { MICROVM_STARTS } from './microvm.js';
export { WASM_STARTS } from './wasm.js';
