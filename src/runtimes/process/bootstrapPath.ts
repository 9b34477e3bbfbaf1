import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node bootstrap every runtime runs, found next to the compiled code: in a clone and in an installed package alike. */
export const BOOTSTRAP = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runners/node/bootstrap.mjs');
