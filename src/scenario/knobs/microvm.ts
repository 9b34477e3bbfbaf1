import { z } from 'zod';
import { knob } from './knob.js';

export const MICROVM_STARTS = ['boot', 'restore', 'lazy-restore', 'lazy-restore-prefetch'] as const;
export type MicrovmStart = (typeof MICROVM_STARTS)[number];

/** The microvm runtime's matrix keys. */
export const microvmKnobs = {
  microvmStart: knob({
    runtime: 'microvm',
    schema: z.enum(MICROVM_STARTS),
    description: 'microvm runtime only: boot each instance, restore it from a snapshot of a booted guest (its RAM read whole), lazy-restore it (its RAM mapped from the snapshot, pages read on first touch), or lazy-restore it with the pages the first request touched read ahead at each start (REAP-style prefetch, recorded on one restore at prepare); e.g. [boot, restore, lazy-restore, lazy-restore-prefetch]; default: boot',
    keyPart: (v) => `start=${v}`,
    label: (v) => v,
    detail: ['microVM start', (v) => v],
  }),
};
