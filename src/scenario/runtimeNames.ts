import { z } from 'zod';

/** The runtimes coldlab has (runtimes/registry.ts maps each to its implementation). */
export const RUNTIME_NAMES = ['process', 'container', 'microvm', 'wasm'] as const;
export const runtimeName = z.enum(RUNTIME_NAMES);
export type RuntimeName = z.output<typeof runtimeName>;
