import { z } from 'zod';
import { knob } from './knob.js';

export const MICROVM_STARTS = ['boot', 'restore', 'lazy-restore'] as const;
export type MicrovmStart = (typeof MICROVM_STARTS)[number];

/** The microvm runtime's matrix keys. */
export const microvmKnobs = {
  microvmStart: knob({
    runtime: 'microvm',
    schema: z.enum(MICROVM_STARTS),
    description: 'microvm runtime only: boot each instance, restore it from a snapshot of a booted guest (its RAM read whole), or lazy-restore it (its RAM mapped from the snapshot, pages read on first touch); e.g. [boot, restore, lazy-restore]; default: boot',
    keyPart: (v) => `start=${v}`,
    label: (v) => v,
    detail: ['microVM start', (v) => v],
  }),
};
