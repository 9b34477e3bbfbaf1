import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { knob } from './knob.js';

/** The container runtime's matrix keys. */
export const containerKnobs = {
  ociRuntime: knob({
    runtime: 'container',
    schema: z.string().min(1).max(LIMITS.nameLength),
    description: "Container runtime only: the engine's OCI runtime(s) to compare, e.g. [runc, crun, runsc] (runsc: gVisor); default: the engine's own default",
    keyPart: (v) => `oci=${v}`,
    label: (v) => v,
    detail: ['OCI runtime', (v) => v],
  }),
};
