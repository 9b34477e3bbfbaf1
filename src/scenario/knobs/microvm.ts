import { z } from 'zod';
import { knob } from './knob.js';

export const MICROVM_STARTS = ['boot', 'restore'] as const;
export type MicrovmStart = (typeof MICROVM_STARTS)[number];

/** The microvm runtime's matrix keys. */
export const microvmKnobs = {
  microvmStart: knob({
    runtime: 'microvm',
    schema: z.enum(MICROVM_STARTS),
    description: 'microvm runtime only: boot each instance, or restore it from a snapshot of a booted guest; e.g. [boot, restore]; default: boot',
    keyPart: (v) => `start=${v}`,
    label: (v) => v,
    detail: ['microVM start', (v) => v],
  }),
};
